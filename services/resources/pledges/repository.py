"""Every query on pledges."""

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.auth import Principal
from services.common.repository import ScopedRepository, equals, filter_set, first_entity_scope
from services.resources.models import Hold, Offer, Pledge
from services.resources.scoping import readable


async def insert(session: AsyncSession, pledge: Pledge) -> Pledge:
    session.add(pledge)
    await session.flush()
    await session.refresh(pledge)
    return pledge


class PledgeRepository(ScopedRepository[Pledge]):
    model = Pledge
    filters = filter_set(need_id=equals(Pledge.need_id), org_id=equals(Pledge.org_id))


pledges = PledgeRepository(first_entity_scope(readable))
get, get_many, search = pledges.get, pledges.get_many, pledges.search


async def details(session: AsyncSession, principal: Principal, pledges: Sequence[Pledge]) -> dict[uuid.UUID, Any]:
    """Hold state, expiry and offer figures of each pledge, by pledge id (one query)."""
    statement = readable(
        select(Pledge.id, Hold.state, Hold.quantity, Hold.expires_at, Offer.kind, Offer.category)
        .join(Hold, Hold.id == Pledge.hold_id)
        .join(Offer, Offer.id == Pledge.offer_id)
        .where(Pledge.id.in_([pledge.id for pledge in pledges])),
        principal,
    )
    return {row.id: row for row in (await session.execute(statement)).all()}


async def offers_pledged_with(session: AsyncSession, hold_ids: list[uuid.UUID]) -> Sequence[uuid.UUID]:
    """The donation offers of the pledges these holds carry (a system step, no caller)."""
    return (await session.scalars(select(Pledge.offer_id).where(Pledge.hold_id.in_(hold_ids)))).all()
