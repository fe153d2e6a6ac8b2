"""Every query for platforms and staff."""

import uuid
from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.case.models import Platform, Staff
from services.case.scoping import readable_platforms
from services.common.auth import Principal
from services.common.repository import ScopedRepository, equals, filter_set, first_entity_scope, prefix


class PlatformRepository(ScopedRepository[Platform]):
    model = Platform
    filters = filter_set(
        level=equals(Platform.level), region=prefix(Platform.region_code), parent_id=equals(Platform.parent_id)
    )


platforms = PlatformRepository(first_entity_scope(readable_platforms))
get, get_many, search = platforms.get, platforms.get_many, platforms.search


async def add_platform(session: AsyncSession, platform: Platform) -> Platform:
    session.add(platform)
    await session.flush()
    return platform


async def list_staff(session: AsyncSession, principal: Principal, platform_id: uuid.UUID) -> Sequence[Staff]:
    visible = readable_platforms(select(Platform.id), principal)
    statement = (
        select(Staff)
        .where(Staff.platform_id == platform_id, Staff.platform_id.in_(visible))
        .order_by(Staff.created_at, Staff.id)
    )
    return (await session.scalars(statement)).all()


async def get_staff(session: AsyncSession, principal: Principal, ids: list[uuid.UUID]) -> Sequence[Staff]:
    visible = readable_platforms(select(Platform.id), principal)
    statement = select(Staff).where(Staff.id.in_(ids), Staff.platform_id.in_(visible))
    return (await session.scalars(statement)).all()


async def path_of(session: AsyncSession, platform_id: uuid.UUID) -> str:
    """A platform's place in the tree ("/<centre>/<station>/"), for a ticket about a record already in scope."""
    return str(await session.scalar(select(Platform.path).where(Platform.id == platform_id)) or "")


async def paths_of(session: AsyncSession, platform_ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Platforms' places in the tree, for the audit rows and events of records already in scope."""
    rows = await session.execute(select(Platform.id, Platform.path).where(Platform.id.in_(platform_ids)))
    return {platform_id: path for platform_id, path in rows}


async def contact_of(session: AsyncSession, platform_id: uuid.UUID) -> tuple[str, str]:
    """A platform's name and phone: what any station may know to reach another (no ids, no people)."""
    row = (await session.execute(select(Platform.name, Platform.phone).where(Platform.id == platform_id))).one()
    return str(row.name), str(row.phone)


async def same_person_at(
    session: AsyncSession, platform_id: uuid.UUID, id_number_hash: str | None, phone_hash: str | None
) -> uuid.UUID | None:
    """The staff record of this person (same ID number or phone hash) at the platform, if any."""
    matches = [Staff.id_number_hash == h for h in [id_number_hash] if h] + [
        Staff.phone_hash == h for h in [phone_hash] if h
    ]
    if not matches:
        return None
    statement = select(Staff.id).where(Staff.platform_id == platform_id, or_(*matches)).limit(1)
    return await session.scalar(statement)


async def staff_subject_taken(session: AsyncSession, subject: str) -> bool:
    return await session.scalar(select(Staff.id).where(Staff.subject == subject)) is not None


async def add_staff(session: AsyncSession, staff: Staff) -> Staff:
    session.add(staff)
    await session.flush()
    return staff
