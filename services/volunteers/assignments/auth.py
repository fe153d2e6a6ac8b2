"""Who may create, end and log visits of a care assignment, and who sees the address."""

from services.common.auth import Principal
from services.common.errors import Forbidden
from services.common.vocabulary import Role
from services.volunteers.models import CareAssignment
from services.volunteers.scoping import PLATFORM_STAFF, staff_covers


def may_see_address(principal: Principal, assignment: CareAssignment) -> bool:
    """The assigned volunteer while the assignment is active; staff of the platform."""
    if principal.role is Role.VOLUNTEER:
        return principal.volunteer_id == assignment.volunteer_id and assignment.state == "active"
    return principal.role in PLATFORM_STAFF and principal.platform_id == assignment.platform_id


def require_manage(principal: Principal, platform_path: str, region: str) -> None:
    if not staff_covers(principal, platform_path, region):
        raise Forbidden(
            "Only staff of the platform may manage its care assignments.",
            "只有该平台的工作人员可以管理关爱服务安排。",
        )


def require_log_visit(principal: Principal, assignment: CareAssignment) -> None:
    if principal.role is Role.VOLUNTEER and principal.volunteer_id == assignment.volunteer_id:
        return
    require_manage(principal, assignment.platform_path, assignment.region)
