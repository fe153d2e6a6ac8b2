"""Who may sign whom up, and who records attendance."""

import uuid

from services.common.auth import Principal
from services.common.errors import BadInput, Forbidden
from services.common.vocabulary import Role
from services.volunteers.activities import auth as activity_auth
from services.volunteers.models import Activity


def volunteer_to_sign_up(principal: Principal, requested: uuid.UUID | None) -> uuid.UUID:
    """A volunteer signs up only themself; staff must name the volunteer."""
    if principal.role is Role.VOLUNTEER:
        if requested not in (None, principal.volunteer_id) or principal.volunteer_id is None:
            raise Forbidden("Volunteers sign up only themselves.", "志愿者只能为本人报名。")
        return principal.volunteer_id
    if requested is None:
        raise BadInput("Name the volunteer to sign up.", "请指定要报名的志愿者。")
    return requested


def require_sign_up(principal: Principal, activity: Activity) -> None:
    if principal.role is Role.VOLUNTEER:
        return
    activity_auth.require_manage(principal, activity)


def require_record_time(principal: Principal, activity: Activity) -> None:
    """Only organisers may record an explicit time (e.g. from a paper sign-in sheet)."""
    if not activity_auth.may_manage(principal, activity):
        raise Forbidden(
            "Only the organiser may record a check-in/out time.",
            "只有组织方可以补录签到/签退时间。",
        )


def require_attendance(principal: Principal, activity: Activity, volunteer_id: uuid.UUID) -> None:
    if principal.role is Role.VOLUNTEER and principal.volunteer_id == volunteer_id:
        return
    if not activity_auth.may_manage(principal, activity):
        raise Forbidden("You may not record attendance here.", "您无权为此活动记录签到。")
