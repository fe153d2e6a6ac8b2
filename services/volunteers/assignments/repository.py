"""Every query on care assignments and visit logs."""

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.auth import Principal
from services.common.pagination import fetch_page
from services.volunteers.models import CareAssignment, VisitLog
from services.volunteers.scoping import readable


async def get_readable(
    session: AsyncSession, principal: Principal, assignment_id: uuid.UUID, lock: bool = False
) -> CareAssignment | None:
    statement = readable(select(CareAssignment).where(CareAssignment.id == assignment_id), principal)
    if lock:
        statement = statement.with_for_update(of=CareAssignment)
    return await session.scalar(statement)


async def list_readable(
    session: AsyncSession,
    principal: Principal,
    volunteer_id: uuid.UUID | None,
    state: str | None,
    cursor: str | None,
    limit: int,
) -> tuple[Sequence[CareAssignment], str | None]:
    statement = readable(select(CareAssignment), principal)
    if volunteer_id is not None:
        statement = statement.where(CareAssignment.volunteer_id == volunteer_id)
    if state:
        statement = statement.where(CareAssignment.state == state)
    return await fetch_page(session, statement, CareAssignment.created_at, CareAssignment.id, cursor, limit)


async def batch_readable(session: AsyncSession, principal: Principal, ids: list[uuid.UUID]) -> Sequence[CareAssignment]:
    statement = readable(select(CareAssignment).where(CareAssignment.id.in_(ids)), principal)
    return (await session.scalars(statement)).all()


async def get_visit_readable(
    session: AsyncSession, principal: Principal, visit_id: uuid.UUID, lock: bool = False
) -> VisitLog | None:
    statement = readable(select(VisitLog).where(VisitLog.id == visit_id), principal)
    if lock:
        statement = statement.with_for_update(of=VisitLog)
    return await session.scalar(statement)


async def visits_readable(
    session: AsyncSession,
    principal: Principal,
    assignment_id: uuid.UUID | None,
    flagged_only: bool,
    cursor: str | None,
    limit: int,
) -> tuple[Sequence[VisitLog], str | None]:
    statement = readable(select(VisitLog), principal)
    if assignment_id is not None:
        statement = statement.where(VisitLog.assignment_id == assignment_id)
    if flagged_only:  # what a station must see: wellbeing flags, or a visit that did not happen
        statement = statement.where((func.cardinality(VisitLog.wellbeing_flags) > 0) | (VisitLog.outcome == "missed"))
    return await fetch_page(session, statement, VisitLog.created_at, VisitLog.id, cursor, limit)


async def add(session: AsyncSession, row: CareAssignment | VisitLog) -> None:
    session.add(row)
    await session.flush()
    await session.refresh(row)
