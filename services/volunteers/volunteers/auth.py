"""Who may do what to a volunteer record."""

from services.common.auth import Principal
from services.common.errors import Forbidden
from services.common.vocabulary import Role
from services.volunteers.models import Volunteer
from services.volunteers.scoping import PLATFORM_STAFF, staff_covers


def may_see_personal_data(principal: Principal, volunteer: Volunteer) -> bool:
    """Only the volunteer themself and the staff of their platform see name, phone and ID."""
    if principal.role is Role.VOLUNTEER:
        return principal.volunteer_id == volunteer.id
    return principal.role in PLATFORM_STAFF and principal.platform_id == volunteer.platform_id


def require_register(principal: Principal, platform_path: str, region: str) -> None:
    if not staff_covers(principal, platform_path, region):
        raise Forbidden(
            "Only staff of the platform (or its region) may register volunteers for it.",
            "只有该平台（或其所属区域）的工作人员可以为其登记志愿者。",
        )


def may_manage(principal: Principal, volunteer: Volunteer) -> bool:
    return staff_covers(principal, volunteer.platform_path, volunteer.region)


def require_manage(principal: Principal, volunteer: Volunteer) -> None:
    if not may_manage(principal, volunteer):
        raise Forbidden("You may read this volunteer but not change it.", "您可以查看该志愿者，但无权修改。")


def require_edit(principal: Principal, volunteer: Volunteer) -> None:
    """The volunteer edits their own profile; managing staff may too."""
    if principal.role is Role.VOLUNTEER and principal.volunteer_id == volunteer.id:
        return
    require_manage(principal, volunteer)


def require_region_change(principal: Principal, volunteer: Volunteer, region: str) -> None:
    """The region decides who sees a volunteer: only managing staff move it, and only to a region
    they could register the volunteer in. The volunteer's own profile edits leave it alone."""
    if not (may_manage(principal, volunteer) and staff_covers(principal, volunteer.platform_path, region)):
        raise Forbidden(
            "Only staff of the volunteer's platform (or region) may change their region.",
            "只有志愿者所属平台（或区域）的工作人员可以修改其所属区域。",
        )
