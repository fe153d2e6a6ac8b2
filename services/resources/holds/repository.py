"""Every query on holds. State changes are conditional UPDATEs: each happens exactly once."""

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.auth import Principal
from services.common.clock import clock
from services.common.repository import ScopedRepository, equals, filter_set, first_entity_scope
from services.resources.models import Hold, Offer
from services.resources.scoping import readable


async def insert(session: AsyncSession, hold: Hold) -> Hold:
    session.add(hold)
    await session.flush()
    await session.refresh(hold)
    return hold


class HoldRepository(ScopedRepository[Hold]):
    model = Hold
    filters = filter_set(need_id=equals(Hold.need_id), offer_id=equals(Hold.offer_id), state=equals(Hold.state))
    # A hold's state moves by conditional UPDATEs; a read shows the row as the database has it.
    refresh = True


holds = HoldRepository(first_entity_scope(readable))
get, get_many, search = holds.get, holds.get_many, holds.search


async def fund_kinds(session: AsyncSession, principal: Principal, offer_ids: set[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these (readable) offers are funds, to present hold sizes in yuan."""
    statement = readable(select(Offer.id).where(Offer.id.in_(offer_ids), Offer.kind == "fund"), principal)
    return set((await session.scalars(statement)).all())


async def move(
    session: AsyncSession,
    hold_id: uuid.UUID,
    from_states: Sequence[str],
    to_state: str,
    *,
    unexpired: bool = False,
) -> Hold | None:
    """Move the hold to `to_state` if it is in one of `from_states`; None if it was not."""
    statement = update(Hold).where(Hold.id == hold_id, Hold.state.in_(from_states))
    if unexpired:
        statement = statement.where(Hold.expires_at > clock.now())
    statement = (
        statement.values(state=to_state, version=Hold.version + 1)
        .returning(Hold)
        .execution_options(populate_existing=True)
    )
    return (await session.scalars(statement)).one_or_none()


async def expire_due(session: AsyncSession, batch_size: int) -> Sequence[Any]:
    """Mark up to `batch_size` overdue holds expired; rows locked by another worker are skipped.

    A system job with no caller, hence no read scope: it returns only what it changed.
    """
    due = (
        select(Hold.id)
        .where(Hold.state == "held", Hold.expires_at <= clock.now())
        .order_by(Hold.expires_at)
        .limit(batch_size)
        .with_for_update(skip_locked=True)
    )
    statement = (
        update(Hold)
        .where(Hold.id.in_(due), Hold.state == "held")
        .values(state="expired", version=Hold.version + 1)
        .returning(Hold.id, Hold.offer_id, Hold.quantity, Hold.need_id, Hold.need_region, Hold.platform_path)
        .execution_options(synchronize_session=False)
    )
    return (await session.execute(statement)).all()


async def unsettled(session: AsyncSession, held_before: datetime) -> Sequence[Any]:
    """For the reconciler (a system job with no caller): every committed hold, and the held ones
    made before `held_before` — id, need and state."""
    statement = (
        select(Hold.id, Hold.need_id, Hold.state)
        .where((Hold.state == "committed") | ((Hold.state == "held") & (Hold.created_at < held_before)))
        .order_by(Hold.id)
    )
    return (await session.execute(statement)).all()
