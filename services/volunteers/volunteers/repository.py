"""Every query on the volunteers table."""

import uuid
from collections.abc import Sequence

from sqlalchemy import Exists, exists, func, literal_column, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.auth import Principal
from services.common.pagination import fetch_page
from services.volunteers.models import Volunteer
from services.volunteers.scoping import readable
from services.volunteers.volunteers.schemas import VolunteerFilters


async def get_readable(
    session: AsyncSession, principal: Principal, volunteer_id: uuid.UUID, lock: bool = False
) -> Volunteer | None:
    statement = readable(select(Volunteer).where(Volunteer.id == volunteer_id), principal)
    if lock:
        statement = statement.with_for_update(of=Volunteer)
    return await session.scalar(statement)


async def list_readable(
    session: AsyncSession,
    principal: Principal,
    filters: VolunteerFilters,
    cursor: str | None,
    limit: int,
) -> tuple[Sequence[Volunteer], str | None]:
    statement = readable(select(Volunteer), principal)
    if filters.skill is not None:
        statement = statement.where(Volunteer.skills.contains([filters.skill.value]))
    if filters.language is not None:
        statement = statement.where(Volunteer.languages.contains([filters.language.value]))
    if filters.region:
        statement = statement.where(Volunteer.region.startswith(filters.region, autoescape=True))
    if filters.verification:
        statement = statement.where(Volunteer.verification == filters.verification)
    if filters.weekday is not None and filters.start and filters.end:
        statement = statement.where(_available(filters.weekday, filters.start, filters.end))
    return await fetch_page(session, statement, Volunteer.created_at, Volunteer.id, cursor, limit)


def _available(weekday: int, start: str, end: str) -> Exists:
    """Some weekly window covers [start, end) on `weekday` ("HH:MM" strings compare in order)."""
    window = func.jsonb_array_elements(Volunteer.availability).table_valued("value").alias("w")
    value = literal_column("w.value", type_=JSONB)
    return exists(
        select(1)
        .select_from(window)
        .where(
            value["weekday"].astext == str(weekday),
            value["start"].astext <= start,
            value["end"].astext >= end,
        )
    )


async def batch_readable(session: AsyncSession, principal: Principal, ids: list[uuid.UUID]) -> Sequence[Volunteer]:
    statement = readable(select(Volunteer).where(Volunteer.id.in_(ids)), principal)
    return (await session.scalars(statement)).all()


async def id_number_taken(session: AsyncSession, id_number_hash: str) -> bool:
    """Duplicate check across all platforms; answers only yes/no, never a row."""
    statement = select(exists().where(Volunteer.id_number_hash == id_number_hash))
    return bool(await session.scalar(statement))


async def add(session: AsyncSession, volunteer: Volunteer) -> Volunteer:
    session.add(volunteer)
    await session.flush()
    await session.refresh(volunteer)
    return volunteer
