"""Sign-ups: arrival order under the activity's row lock, the waiting list, attendance, hours."""

import uuid
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from services.common.auth import Principal
from services.common.clock import clock
from services.common.errors import BadInput, InvalidTransition, NotFound
from services.common.fields import CLOCK_SKEW
from services.common.pagination import Page
from services.volunteers.activities import auth as activity_auth
from services.volunteers.activities import repository as activity_repository
from services.volunteers.commitments.service import ensure_free_for_activity, ensure_within_weekly_hours
from services.volunteers.hours import repository as hours_repository
from services.volunteers.kit import record_change, scope_of
from services.volunteers.models import Activity, HoursEntry, SignUp
from services.volunteers.refusals import (
    ActivityClosed,
    AlreadySignedUp,
    AttendanceWindowClosed,
    CheckOutBeforeCheckIn,
    MissingSkills,
    NoPendingHours,
    NotCheckedIn,
    VolunteerRejected,
)
from services.volunteers.signups import auth
from services.volunteers.signups import repository as signup_repository
from services.volunteers.signups.schemas import SignUpOut, SignUpRequest
from services.volunteers.signups.waiting_list import fill_free_places
from services.volunteers.volunteers import repository as volunteer_repository

CHECK_IN_OPENS_BEFORE = timedelta(hours=1)
CHECK_OUT_CLOSES_AFTER = timedelta(hours=1)
# The organiser may enter a paper sign-in sheet (sign-ups, check-in and out) this long after the end.
RECORDING_WINDOW = timedelta(days=30)


def _not_found(kind: str, row_id: uuid.UUID) -> NotFound:
    names = {"activity": "活动", "volunteer": "志愿者", "signup": "报名记录"}
    return NotFound(f"No {kind} {row_id}.", f"未找到{names[kind]} {row_id}。")


async def sign_up(
    session: AsyncSession, principal: Principal, activity_id: uuid.UUID, body: SignUpRequest
) -> SignUpOut:
    """Sign a volunteer up: confirmed while places last, then waiting, in arrival order.

    Arrival order is the order PostgreSQL grants the activity's row lock; the sequence number
    is handed out under that lock, so concurrent sign-ups never overfill the activity.
    """
    volunteer_id = auth.volunteer_to_sign_up(principal, body.volunteer_id)
    activity = await activity_repository.get(session, principal, activity_id, lock=True)
    if activity is None:
        raise _not_found("activity", activity_id)
    auth.require_sign_up(principal, activity)
    volunteer = await volunteer_repository.get(session, principal, volunteer_id, lock=True)
    if volunteer is None:
        raise _not_found("volunteer", volunteer_id)
    if volunteer.verification == "rejected":
        raise VolunteerRejected(
            "The platform rejected this volunteer's registration.", "该志愿者的注册未通过审核，不能报名。"
        )
    _require_open(activity, recording=activity_auth.may_manage(principal, activity))
    missing = set(activity.required_skills) - set(volunteer.skills)
    if missing:
        raise MissingSkills(
            f"The activity needs skills the volunteer lacks: {', '.join(sorted(missing))}.",
            "该志愿者不具备活动所需的技能。",
            missing_skills=sorted(missing),
        )
    if await signup_repository.live_signup_exists(session, activity.id, volunteer_id):
        raise AlreadySignedUp("The volunteer is already signed up.", "该志愿者已报名此活动。")
    await ensure_free_for_activity(session, volunteer_id, activity.starts_at, activity.ends_at)
    await ensure_within_weekly_hours(
        session, volunteer_id, volunteer.max_hours_per_week, activity.starts_at, activity.ends_at
    )
    activity.last_sequence += 1
    confirmed = activity.confirmed_count < activity.capacity
    activity.confirmed_count += int(confirmed)
    signup = SignUp(
        activity_id=activity.id,
        volunteer_id=volunteer_id,
        sequence=activity.last_sequence,
        status="confirmed" if confirmed else "waiting",
        hours_state="none",
    )
    await signup_repository.add(session, signup)
    await record_change(
        session,
        principal,
        action="created",
        entity="signup",
        entity_id=signup.id,
        scope=scope_of(activity),
        event="signup.created",
        payload={
            "activity_id": activity.id,
            "volunteer_id": volunteer_id,
            "status": signup.status,
            "sequence": signup.sequence,
        },
    )
    return SignUpOut.model_validate(signup)


def _require_open(activity: Activity, recording: bool) -> None:
    """Volunteers sign up until the end; the organiser may also enter the sign-in sheet afterwards
    (补录), within RECORDING_WINDOW."""
    if activity.state != "scheduled":
        raise ActivityClosed(f"The activity is {activity.state}.", "该活动已不接受报名。")
    closes = activity.ends_at + (RECORDING_WINDOW if recording else timedelta(0))
    if closes <= clock.now():
        raise ActivityClosed("The activity has ended.", "该活动已结束。")


async def get(session: AsyncSession, principal: Principal, signup_id: uuid.UUID) -> SignUpOut:
    signup = await signup_repository.get(session, principal, signup_id)
    if signup is None:
        raise _not_found("signup", signup_id)
    return SignUpOut.model_validate(signup)


async def search(
    session: AsyncSession,
    principal: Principal,
    activity_id: uuid.UUID | None,
    volunteer_id: uuid.UUID | None,
    cursor: str | None,
    limit: int,
    status: str | None = None,
) -> Page[SignUpOut]:
    rows, next_cursor = await signup_repository.search(
        session,
        principal,
        cursor=cursor,
        limit=limit,
        activity_id=activity_id,
        volunteer_id=volunteer_id,
        status=status,
    )
    return Page[SignUpOut](items=[SignUpOut.model_validate(r) for r in rows], next_cursor=next_cursor)


async def batch(session: AsyncSession, principal: Principal, ids: list[uuid.UUID]) -> list[SignUpOut]:
    rows = {r.id: r for r in await signup_repository.get_many(session, principal, ids)}
    return [SignUpOut.model_validate(rows[i]) for i in ids if i in rows]


async def _load_locked(session: AsyncSession, principal: Principal, signup_id: uuid.UUID) -> tuple[SignUp, Activity]:
    """The sign-up and its activity, locking the activity first (the order sign-up uses)."""
    signup = await signup_repository.get(session, principal, signup_id)
    if signup is None:
        raise _not_found("signup", signup_id)
    activity = await activity_repository.get(session, principal, signup.activity_id, lock=True)
    if activity is None:
        raise _not_found("signup", signup_id)
    return await signup_repository.relock(session, signup), activity


async def cancel(session: AsyncSession, principal: Principal, signup_id: uuid.UUID) -> SignUpOut:
    """Withdraw a sign-up; a freed confirmed place goes to the first on the waiting list."""
    signup, activity = await _load_locked(session, principal, signup_id)
    auth.require_attendance(principal, activity, signup.volunteer_id)
    if signup.status == "cancelled" or signup.checked_in_at is not None:
        raise InvalidTransition("Only a sign-up not yet checked in can be cancelled.", "只有尚未签到的报名可以取消。")
    was_confirmed = signup.status == "confirmed"
    signup.status = "cancelled"
    signup.version += 1
    if was_confirmed:
        activity.confirmed_count -= 1
    await session.flush()
    await record_change(
        session,
        principal,
        action="cancelled",
        entity="signup",
        entity_id=signup.id,
        scope=scope_of(activity),
        event="signup.cancelled",
        payload={"activity_id": activity.id, "volunteer_id": signup.volunteer_id, "status": "cancelled"},
    )
    await fill_free_places(session, principal, activity)
    await session.refresh(signup)
    return SignUpOut.model_validate(signup)


def _attendance_time(principal: Principal, activity: Activity, at: datetime | None) -> datetime:
    """The time recorded: now, or the organiser's time from the sheet — never in the future (a
    device a little ahead of us is read as now)."""
    now = clock.now()
    if at is None:
        return now
    auth.require_record_time(principal, activity)
    if at > now + CLOCK_SKEW:
        raise BadInput("A check-in or check-out cannot be in the future.", "签到、签退时间不能晚于现在。")
    return min(at, now)


async def check_in(session: AsyncSession, principal: Principal, signup_id: uuid.UUID, at: datetime | None) -> SignUpOut:
    """Check in to a confirmed place, from an hour before the start until the end."""
    signup, activity = await _load_locked(session, principal, signup_id)
    auth.require_attendance(principal, activity, signup.volunteer_id)
    moment = _attendance_time(principal, activity, at)
    if signup.status != "confirmed" or signup.checked_in_at is not None:
        raise InvalidTransition(
            "Only a confirmed sign-up not yet checked in can check in.",
            "只有已确认且未签到的报名可以签到。",
        )
    if activity.state == "cancelled" or not (activity.starts_at - CHECK_IN_OPENS_BEFORE <= moment <= activity.ends_at):
        raise AttendanceWindowClosed(
            "Check-in is open from an hour before the start until the end of the activity.",
            "签到时间为活动开始前一小时至活动结束。",
        )
    signup.checked_in_at = moment
    signup.version += 1
    await session.flush()
    await record_change(
        session,
        principal,
        action="checked_in",
        entity="signup",
        entity_id=signup.id,
        scope=scope_of(activity),
        event="signup.checked_in",
        payload={"activity_id": activity.id, "volunteer_id": signup.volunteer_id, "at": moment},
    )
    return SignUpOut.model_validate(signup)


def service_minutes(activity: Activity, checked_in_at: datetime, checked_out_at: datetime) -> int:
    """Whole minutes between check-in and check-out, capped at the activity's length."""
    attended = int((checked_out_at - checked_in_at).total_seconds() // 60)
    length = int((activity.ends_at - activity.starts_at).total_seconds() // 60)
    return max(0, min(attended, length))


async def check_out(
    session: AsyncSession, principal: Principal, signup_id: uuid.UUID, at: datetime | None
) -> SignUpOut:
    """Check out; the service minutes are computed now and wait for the organiser's approval."""
    signup, activity = await _load_locked(session, principal, signup_id)
    auth.require_attendance(principal, activity, signup.volunteer_id)
    moment = _attendance_time(principal, activity, at)
    if signup.checked_in_at is None:
        raise NotCheckedIn("Check in before checking out.", "请先签到再签退。")
    if signup.checked_out_at is not None:
        raise InvalidTransition("The sign-up is checked out already.", "该报名已签退。")
    if moment < signup.checked_in_at:
        raise CheckOutBeforeCheckIn("Check-out cannot precede check-in.", "签退时间不能早于签到时间。")
    if moment > activity.ends_at + CHECK_OUT_CLOSES_AFTER:
        raise AttendanceWindowClosed(
            "Check-out closes an hour after the activity ends; the organiser records the time left.",
            "签退须在活动结束后一小时内；逾时请由组织方补录签退时间。",
        )
    signup.checked_out_at = moment
    signup.minutes = service_minutes(activity, signup.checked_in_at, moment)
    signup.hours_state = "pending"
    signup.version += 1
    await session.flush()
    await record_change(
        session,
        principal,
        action="checked_out",
        entity="signup",
        entity_id=signup.id,
        scope=scope_of(activity),
        event="signup.checked_out",
        payload={
            "activity_id": activity.id,
            "volunteer_id": signup.volunteer_id,
            "minutes": signup.minutes,
        },
    )
    return SignUpOut.model_validate(signup)


async def approve_hours(session: AsyncSession, principal: Principal, signup_id: uuid.UUID) -> SignUpOut:
    """The organiser approves the computed minutes; they enter the volunteer's hours ledger."""
    signup, activity = await _load_locked(session, principal, signup_id)
    activity_auth.require_manage(principal, activity)
    if signup.hours_state != "pending" or signup.minutes is None:
        raise NoPendingHours(
            "Only checked-out hours awaiting approval can be approved.",
            "只有待审核的时长可以审核通过。",
        )
    signup.hours_state = "approved"
    signup.version += 1
    entry = HoursEntry(
        volunteer_id=signup.volunteer_id,
        kind="activity",
        minutes=signup.minutes,
        activity_id=activity.id,
        signup_id=signup.id,
        recorded_by=principal.subject,
    )
    await hours_repository.add(session, entry)
    await record_change(
        session,
        principal,
        action="recorded",
        entity="hours_entry",
        entity_id=entry.id,
        scope=scope_of(activity),
        event="hours.recorded",
        payload={
            "volunteer_id": signup.volunteer_id,
            "kind": "activity",
            "minutes": signup.minutes,
            "signup_id": signup.id,
        },
    )
    return SignUpOut.model_validate(signup)
