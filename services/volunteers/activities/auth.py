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
    return staff_covers(principal, activity.platform_id, activity.region)


def require_manage(principal: Principal, activity: Activity) -> None:
    if not may_manage(principal, activity):
        raise Forbidden("You may not manage this activity.", "您无权管理该活动。")


def require_organise(
    principal: Principal, platform_id: uuid.UUID | None, org_id: uuid.UUID | None, region: str
) -> None:
    """May the caller put on an activity owned by this platform / organisation?"""
    if principal.role is Role.ORG_STAFF:
        allowed = org_id is not None and org_id == principal.org_id
    else:
        allowed = platform_id is not None and staff_covers(principal, platform_id, region)
    if not allowed:
        raise Forbidden(
            "You may organise activities only for your own platform or organisation.",
            "您只能为本平台或本组织发起活动。",
        )
