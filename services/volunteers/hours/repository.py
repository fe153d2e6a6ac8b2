"""Every query on the hours ledger."""

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.auth import Principal
from services.common.pagination import fetch_page
from services.volunteers.models import CorrectionRequest, HoursEntry
from services.volunteers.scoping import readable


async def list_readable(
    session: AsyncSession,
    principal: Principal,
    volunteer_id: uuid.UUID,
    cursor: str | None,
    limit: int,
) -> tuple[Sequence[HoursEntry], str | None]:
    statement = readable(select(HoursEntry).where(HoursEntry.volunteer_id == volunteer_id), principal)
    return await fetch_page(session, statement, HoursEntry.created_at, HoursEntry.id, cursor, limit)


async def all_readable(session: AsyncSession, principal: Principal, volunteer_id: uuid.UUID) -> Sequence[HoursEntry]:
    """The whole ledger, oldest first (for the certificate)."""
    statement = readable(select(HoursEntry).where(HoursEntry.volunteer_id == volunteer_id), principal).order_by(
        HoursEntry.created_at, HoursEntry.id
    )
    return (await session.scalars(statement)).all()


async def totals_readable(session: AsyncSession, principal: Principal, volunteer_id: uuid.UUID) -> dict[str, int]:
    """Minutes per entry kind, summed in SQL."""
    statement = readable(
        select(HoursEntry.kind, func.sum(HoursEntry.minutes))
        .where(HoursEntry.volunteer_id == volunteer_id)
        .group_by(HoursEntry.kind),
        principal,
        HoursEntry,
    )
    return {kind: int(total) for kind, total in await session.execute(statement)}


async def get_request_readable(
    session: AsyncSession, principal: Principal, request_id: uuid.UUID, lock: bool = False
) -> CorrectionRequest | None:
    statement = readable(select(CorrectionRequest).where(CorrectionRequest.id == request_id), principal)
    if lock:
        statement = statement.with_for_update(of=CorrectionRequest)
    return await session.scalar(statement)


async def list_requests_readable(
    session: AsyncSession,
    principal: Principal,
    volunteer_id: uuid.UUID,
    state: str | None,
    cursor: str | None,
    limit: int,
) -> tuple[Sequence[CorrectionRequest], str | None]:
    statement = readable(select(CorrectionRequest).where(CorrectionRequest.volunteer_id == volunteer_id), principal)
    if state:
        statement = statement.where(CorrectionRequest.state == state)
    return await fetch_page(session, statement, CorrectionRequest.created_at, CorrectionRequest.id, cursor, limit)


async def add_request(session: AsyncSession, request: CorrectionRequest) -> CorrectionRequest:
    session.add(request)
    await session.flush()
    await session.refresh(request)
    return request


async def add(session: AsyncSession, entry: HoursEntry) -> HoursEntry:
    session.add(entry)
    await session.flush()
    await session.refresh(entry)
    return entry
