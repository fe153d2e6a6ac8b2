"""Every query for recipients."""

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.case.models import Recipient
from services.case.scoping import readable
from services.common.auth import Principal
from services.common.pagination import fetch_page


async def get(
    session: AsyncSession, principal: Principal, recipient_id: uuid.UUID, *, lock: bool = False
) -> Recipient | None:
    statement = readable(select(Recipient).where(Recipient.id == recipient_id), principal, Recipient)
    if lock:
        statement = statement.with_for_update()
    return await session.scalar(statement)


async def get_many(session: AsyncSession, principal: Principal, ids: list[uuid.UUID]) -> Sequence[Recipient]:
    statement = readable(select(Recipient).where(Recipient.id.in_(ids)), principal, Recipient)
    return (await session.scalars(statement)).all()


async def search(
    session: AsyncSession,
    principal: Principal,
    *,
    platform_id: uuid.UUID | None,
    region: str | None,
    category: str | None,
    name: str | None,
    cursor: str | None,
    limit: int,
) -> tuple[Sequence[Recipient], str | None]:
    statement = readable(select(Recipient), principal, Recipient)
    if platform_id:
        statement = statement.where(Recipient.platform_id == platform_id)
    if region:
        statement = statement.where(Recipient.region_code.startswith(region))
    if category:
        statement = statement.where(Recipient.categories.contains([category]))
    if name:
        statement = statement.where(Recipient.name.contains(name, autoescape=True))
    return await fetch_page(session, statement, Recipient.created_at, Recipient.id, cursor, limit)


async def find_by_id_hash(session: AsyncSession, id_hash: str) -> Recipient | None:
    """Duplicate check across the whole system (unscoped on purpose: one person, one record)."""
    return await session.scalar(select(Recipient).where(Recipient.id_number_hash == id_hash))


async def add(session: AsyncSession, recipient: Recipient) -> Recipient:
    session.add(recipient)
    await session.flush()
    return recipient
