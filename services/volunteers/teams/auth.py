"""Who may manage a team."""

import uuid

from services.common.auth import Principal
from services.common.errors import Forbidden
from services.common.vocabulary import Role
from services.volunteers.scoping import staff_covers


def require_manage(principal: Principal, platform_path: str, org_id: uuid.UUID | None, region: str) -> None:
    """Staff of the team's platform subtree and region, or staff of the team's organisation."""
    if principal.role is Role.ORG_STAFF:
        allowed = org_id is not None and org_id == principal.org_id
    else:
        allowed = staff_covers(principal, platform_path, region)
    if not allowed:
        raise Forbidden("You may not manage this team.", "您无权管理该志愿服务队伍。")
