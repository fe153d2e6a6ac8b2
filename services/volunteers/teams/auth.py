"""Who may manage a team."""

import uuid

from services.common.auth import Principal
from services.common.errors import Forbidden
from services.common.vocabulary import Role
from services.volunteers.scoping import staff_covers


def require_manage(principal: Principal, platform_id: uuid.UUID | None, org_id: uuid.UUID | None, region: str) -> None:
    """Staff of the team's platform (or region), or staff of the team's organisation."""
    if principal.role is Role.ORG_STAFF:
        allowed = org_id is not None and org_id == principal.org_id
    else:
        allowed = platform_id is not None and staff_covers(principal, platform_id, region)
    if not allowed:
        raise Forbidden("You may not manage this team.", "您无权管理该志愿服务队伍。")
