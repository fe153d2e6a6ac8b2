"""Every query on activities."""

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.auth import Principal
from services.common.pagination import fetch_page
from services.volunteers.activities.schemas import ActivityFilters
from services.volunteers.models import Activity
from services.volunteers.scoping import readable


async def get_readable(
    session: AsyncSession, principal: Principal, activity_id: uuid.UUID, lock: bool = False
) -> Activity | None:
    """The activity if the caller may read it; `lock` takes its row lock (sign-up order)."""
    statement = readable(select(Activity).where(Activity.id == activity_id), principal)
    if lock:
        statement = statement.with_for_update(of=Activity)
    return await session.scalar(statement)


async def list_readable(
    session: AsyncSession,
    principal: Principal,
    filters: ActivityFilters,
    cursor: str | None,
    limit: int,
) -> tuple[Sequence[Activity], str | None]:
    statement = readable(select(Activity), principal)
    if filters.region:
        statement = statement.where(Activity.region.startswith(filters.region, autoescape=True))
    if filters.skill is not None:
        statement = statement.where(Activity.required_skills.contains([filters.skill.value]))
    if filters.state:
        statement = statement.where(Activity.state == filters.state)
    if filters.starts_from is not None:
        statement = statement.where(Activity.starts_at >= filters.starts_from)
    if filters.starts_before is not None:
        statement = statement.where(Activity.starts_at < filters.starts_before)
    if filters.public_only:
        statement = statement.where(Activity.is_public)
    return await fetch_page(session, statement, Activity.created_at, Activity.id, cursor, limit)


async def batch_readable(session: AsyncSession, principal: Principal, ids: list[uuid.UUID]) -> Sequence[Activity]:
    statement = readable(select(Activity).where(Activity.id.in_(ids)), principal)
    return (await session.scalars(statement)).all()


async def add(session: AsyncSession, activity: Activity) -> Activity:
    session.add(activity)
    await session.flush()
    await session.refresh(activity)
    return activity
