"""Every query on the volunteers table."""

from sqlalchemy import Exists, exists, func, literal_column, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.repository import ScopedRepository, equals, filter_set, prefix
from services.volunteers.models import Volunteer
from services.volunteers.scoping import readable


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


class VolunteerRepository(ScopedRepository[Volunteer]):
    model = Volunteer
    # `available` is a (weekday, "HH:MM", "HH:MM") window some weekly availability must cover.
    filters = filter_set(
        skill=lambda skill: Volunteer.skills.contains([skill.value]),
        language=lambda language: Volunteer.languages.contains([language.value]),
        region=prefix(Volunteer.region),
        verification=equals(Volunteer.verification),
        available=lambda window: _available(*window),
    )


volunteers = VolunteerRepository(readable)
get, get_many, search = volunteers.get, volunteers.get_many, volunteers.search


async def id_number_taken(session: AsyncSession, id_number_hash: str) -> bool:
    """Duplicate check across all platforms; answers only yes/no, never a row."""
    statement = select(exists().where(Volunteer.id_number_hash == id_number_hash))
    return bool(await session.scalar(statement))


async def add(session: AsyncSession, volunteer: Volunteer) -> Volunteer:
    session.add(volunteer)
    await session.flush()
    await session.refresh(volunteer)
    return volunteer
