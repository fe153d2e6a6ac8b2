"""A volunteer cannot be committed to two overlapping activities or care visits.

Care schedules are weekly slots in Beijing time (Asia/Shanghai, UTC+8, no daylight saving);
activities are UTC intervals. Callers hold the volunteer's row lock, so two concurrent
commitments of one volunteer are checked one after the other.
"""

import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.common.clock import BEIJING, beijing_week
from services.common.errors import Conflict
from services.volunteers.commitments import repository as commitment_repository


class OverlappingCommitment(Conflict):
    code = "OVERLAPPING_COMMITMENT"
    title = "Overlapping commitment"


def _clash(what: str) -> OverlappingCommitment:
    return OverlappingCommitment(f"The volunteer already has {what} at that time.", "该志愿者在此时间已有其他安排。")


def _slot_bounds(schedule: dict[str, Any], day: date) -> tuple[datetime, datetime]:
    hour, minute = (int(part) for part in schedule["start"].split(":"))
    start = datetime.combine(day, time(hour, minute), BEIJING)
    return start, start + timedelta(minutes=int(schedule["duration_minutes"]))


def slot_overlaps_interval(
    schedule: dict[str, Any],
    starts_on: date,
    ends_on: date | None,
    starts_at: datetime,
    ends_at: datetime,
) -> bool:
    """Does any weekly visit of `schedule` (between the dates) overlap [starts_at, ends_at)?"""
    first = starts_at.astimezone(BEIJING).date() - timedelta(days=1)
    last = ends_at.astimezone(BEIJING).date()
    day = max(first, starts_on)
    while day <= last and (ends_on is None or day <= ends_on):
        if day.isoweekday() == schedule["weekday"]:
            slot_start, slot_end = _slot_bounds(schedule, day)
            if slot_start < ends_at and slot_end > starts_at:
                return True
        day += timedelta(days=1)
    return False


def schedules_overlap(
    one: dict[str, Any],
    one_from: date,
    one_to: date | None,
    other: dict[str, Any],
    other_from: date,
    other_to: date | None,
) -> bool:
    """Two weekly schedules clash when their date ranges meet and their slots overlap."""
    if (one_to is not None and one_to < other_from) or (other_to is not None and other_to < one_from):
        return False
    if one["weekday"] != other["weekday"]:
        return False
    day = date(2000, 1, 3)  # any date; only the clock times matter now
    a_start, a_end = _slot_bounds(one, day)
    b_start, b_end = _slot_bounds(other, day)
    return a_start < b_end and b_start < a_end


async def ensure_free_for_activity(
    session: AsyncSession, volunteer_id: uuid.UUID, starts_at: datetime, ends_at: datetime
) -> None:
    if await commitment_repository.overlapping_signup(session, volunteer_id, starts_at, ends_at):
        raise _clash("an overlapping activity")
    for assignment in await commitment_repository.active_assignments(session, volunteer_id):
        if slot_overlaps_interval(assignment.schedule, assignment.starts_on, assignment.ends_on, starts_at, ends_at):
            raise _clash("a care visit")


async def ensure_free_for_schedule(
    session: AsyncSession,
    volunteer_id: uuid.UUID,
    schedule: dict[str, Any],
    starts_on: date,
    ends_on: date | None,
    now: datetime,
) -> None:
    for assignment in await commitment_repository.active_assignments(session, volunteer_id):
        if schedules_overlap(
            schedule,
            starts_on,
            ends_on,
            assignment.schedule,
            assignment.starts_on,
            assignment.ends_on,
        ):
            raise _clash("a care visit")
    for starts_at, ends_at in await commitment_repository.upcoming_activity_times(session, volunteer_id, now):
        if slot_overlaps_interval(schedule, starts_on, ends_on, starts_at, ends_at):
            raise _clash("an activity")


class WeeklyHoursExceeded(Conflict):
    code = "WEEKLY_HOURS_EXCEEDED"
    title = "Weekly hours exceeded"


async def ensure_within_weekly_hours(
    session: AsyncSession,
    volunteer_id: uuid.UUID,
    max_hours_per_week: int | None,
    starts_at: datetime,
    ends_at: datetime,
) -> None:
    """Activities in that week, care visits and this activity must fit the volunteer's weekly maximum."""
    if max_hours_per_week is None:
        return
    week_start, week_end = beijing_week(starts_at)

    def minutes_in_week(start: datetime, end: datetime) -> float:
        return max(0.0, (min(end, week_end) - max(start, week_start)).total_seconds() / 60)

    booked = sum(
        minutes_in_week(start, end)
        for start, end in await commitment_repository.activity_times_between(
            session, volunteer_id, week_start, week_end
        )
    )
    for assignment in await commitment_repository.active_assignments(session, volunteer_id):
        if assignment.starts_on <= week_end.date() and (
            assignment.ends_on is None or assignment.ends_on >= week_start.date()
        ):
            booked += int(assignment.schedule["duration_minutes"])
    wanted = minutes_in_week(starts_at, ends_at)
    if booked + wanted > max_hours_per_week * 60:
        total_h = (booked + wanted) / 60
        raise WeeklyHoursExceeded(
            f"This would give the volunteer {total_h:.1f} h that week; their maximum is {max_hours_per_week} h.",
            f"该周服务时长将达 {total_h:.1f} 小时，超过该志愿者每周上限 {max_hours_per_week} 小时。",
            booked_minutes=int(booked),
            max_hours_per_week=max_hours_per_week,
        )
