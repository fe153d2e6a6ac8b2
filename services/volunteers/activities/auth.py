"""Who may organise and manage an activity."""

import uuid

from services.common.auth import Principal
from services.common.errors import Forbidden
from services.common.vocabulary import Role
from services.volunteers.models import Activity
from services.volunteers.scoping import staff_covers


def may_manage(principal: Principal, activity: Activity) -> bool:
    """Staff of the organising platform or region, or staff of the organising organisation."""
    if principal.role is Role.ORG_STAFF:
        return principal.org_id is not None and activity.org_id == principal.org_id
    return staff_covers(principal, activity.platform_path, activity.region)


def require_publicity_change(principal: Principal, activity: Activity) -> None:
    """`is_public` shows an activity to every caller: the platform staff over it decide that, not
    an organising organisation (docs/decisions.md, "Kit and scope")."""
    if principal.role is Role.ORG_STAFF or not staff_covers(principal, activity.platform_path, activity.region):
        raise Forbidden(
            "Only the staff of the activity's platform may make it public or private.",
            "只有活动所属平台的工作人员可以设置活动是否公开。",
        )


def require_manage(principal: Principal, activity: Activity) -> None:
    if not may_manage(principal, activity):
        raise Forbidden("You may not manage this activity.", "您无权管理该活动。")


def require_organise(principal: Principal, platform_path: str, org_id: uuid.UUID | None, region: str) -> None:
    """May the caller put on an activity owned by this platform / organisation?"""
    if principal.role is Role.ORG_STAFF:
        allowed = org_id is not None and org_id == principal.org_id
    else:
        allowed = staff_covers(principal, platform_path, region)
    if not allowed:
        raise Forbidden(
            "You may organise activities only for your own platform or organisation.",
            "您只能为本平台或本组织发起活动。",
        )
