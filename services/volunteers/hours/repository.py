"""Every query on the hours ledger."""

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.auth import Principal
from services.common.repository import ScopedRepository, equals, filter_set
from services.volunteers.models import CorrectionRequest, HoursEntry, SignUp, VisitLog
from services.volunteers.scoping import readable


class HoursRepository(ScopedRepository[HoursEntry]):
    model = HoursEntry
    filters = filter_set(volunteer_id=equals(HoursEntry.volunteer_id))


class CorrectionRequestRepository(ScopedRepository[CorrectionRequest]):
    model = CorrectionRequest
    filters = filter_set(volunteer_id=equals(CorrectionRequest.volunteer_id), state=equals(CorrectionRequest.state))


hours = HoursRepository(readable)
search = hours.search
correction_requests = CorrectionRequestRepository(readable)


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


async def pending_minutes_readable(session: AsyncSession, principal: Principal, volunteer_id: uuid.UUID) -> int:
    """Minutes of checked-out sign-ups and done visits still awaiting the organiser's approval."""
    signups = readable(
        select(func.coalesce(func.sum(SignUp.minutes), 0)).where(
            SignUp.volunteer_id == volunteer_id, SignUp.hours_state == "pending"
        ),
        principal,
        SignUp,
    )
    visits = readable(
        select(func.coalesce(func.sum(VisitLog.minutes), 0)).where(
            VisitLog.volunteer_id == volunteer_id, VisitLog.hours_state == "pending"
        ),
        principal,
        VisitLog,
    )
    return int(await session.scalar(signups) or 0) + int(await session.scalar(visits) or 0)


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
