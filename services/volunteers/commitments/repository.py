"""Queries across one volunteer's commitments, for overlap checks.

These run after the volunteer was read through `readable` and row-locked, and answer only
"is there a clash", so they are deliberately not narrowed to the caller's scope: a clash with
an activity of another platform must still be found.
"""

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.volunteers.models import Activity, CareAssignment, SignUp

LIVE_SIGNUP = ("confirmed", "waiting")


async def overlapping_signup(
    session: AsyncSession, volunteer_id: uuid.UUID, starts_at: datetime, ends_at: datetime
) -> uuid.UUID | None:
    """An activity the volunteer is signed up for (confirmed or waiting) that overlaps."""
    statement = (
        select(Activity.id)
        .join(SignUp, SignUp.activity_id == Activity.id)
        .where(
            SignUp.volunteer_id == volunteer_id,
            SignUp.status.in_(LIVE_SIGNUP),
            Activity.state != "cancelled",
            Activity.starts_at < ends_at,
            Activity.ends_at > starts_at,
        )
        .limit(1)
    )
    return await session.scalar(statement)


async def active_assignments(session: AsyncSession, volunteer_id: uuid.UUID) -> Sequence[CareAssignment]:
    statement = select(CareAssignment).where(
        CareAssignment.volunteer_id == volunteer_id, CareAssignment.state == "active"
    )
    return (await session.scalars(statement)).all()


async def upcoming_activity_times(
    session: AsyncSession, volunteer_id: uuid.UUID, after: datetime
) -> Sequence[tuple[datetime, datetime]]:
    statement = (
        select(Activity.starts_at, Activity.ends_at)
        .join(SignUp, SignUp.activity_id == Activity.id)
        .where(
            SignUp.volunteer_id == volunteer_id,
            SignUp.status.in_(LIVE_SIGNUP),
            Activity.state != "cancelled",
            Activity.ends_at > after,
        )
    )
    return [(row.starts_at, row.ends_at) for row in await session.execute(statement)]


async def activity_times_between(
    session: AsyncSession, volunteer_id: uuid.UUID, start: datetime, end: datetime
) -> Sequence[tuple[datetime, datetime]]:
    """Start and end of the volunteer's live activities that overlap [start, end)."""
    statement = (
        select(Activity.starts_at, Activity.ends_at)
        .join(SignUp, SignUp.activity_id == Activity.id)
        .where(
            SignUp.volunteer_id == volunteer_id,
            SignUp.status.in_(LIVE_SIGNUP),
            Activity.state != "cancelled",
            Activity.starts_at < end,
            Activity.ends_at > start,
        )
    )
    return [(row.starts_at, row.ends_at) for row in await session.execute(statement)]
