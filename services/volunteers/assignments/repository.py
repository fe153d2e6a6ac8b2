"""Every query on care assignments and visit logs."""

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, Row, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.repository import ScopedRepository, equals, filter_set
from services.volunteers.models import CareAssignment, VisitLog
from services.volunteers.scoping import readable


class AssignmentRepository(ScopedRepository[CareAssignment]):
    model = CareAssignment
    filters = filter_set(volunteer_id=equals(CareAssignment.volunteer_id), state=equals(CareAssignment.state))


def _flagged(only: bool) -> ColumnElement[bool]:
    """What a station must see: wellbeing flags, or a visit that did not happen."""
    if not only:
        return true()
    return (func.cardinality(VisitLog.wellbeing_flags) > 0) | (VisitLog.outcome == "missed")


class VisitRepository(ScopedRepository[VisitLog]):
    model = VisitLog
    filters = filter_set(assignment_id=equals(VisitLog.assignment_id), flagged_only=_flagged)


assignments = AssignmentRepository(readable)
get, get_many, search = assignments.get, assignments.get_many, assignments.search
visits = VisitRepository(readable)


async def add(session: AsyncSession, row: CareAssignment | VisitLog) -> None:
    session.add(row)
    await session.flush()
    await session.refresh(row)


async def active_made_before(session: AsyncSession, before: datetime) -> Sequence[Row[uuid.UUID, uuid.UUID]]:
    """(id, need id) of the active assignments made before `before`, for the reconciler (no caller)."""
    statement = (
        select(CareAssignment.id, CareAssignment.need_id)
        .where(CareAssignment.state == "active", CareAssignment.created_at < before)
        .order_by(CareAssignment.created_at)
    )
    return (await session.execute(statement)).all()
