"""Every query on offers, including the atomic statements that move quantities."""

import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import Row, case, literal, or_, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.changes import RecordScope
from services.common.clock import clock
from services.common.repository import ScopedRepository, equals, filter_set, first_entity_scope
from services.resources.kit import record_event
from services.resources.models import Offer
from services.resources.scoping import readable

AVAILABLE = Offer.total - Offer.held - Offer.delivered


async def insert(session: AsyncSession, offer: Offer) -> Offer:
    session.add(offer)
    await session.flush()
    await session.refresh(offer)
    return offer


class OfferRepository(ScopedRepository[Offer]):
    model = Offer
    # `region` is a need's code the offer must cover; `available`, whether anything is left.
    filters = filter_set(
        **{name: equals(getattr(Offer, name)) for name in ("kind", "category", "status", "org_id")},
        region=lambda code: literal(code).startswith(Offer.region_prefix),
        available=lambda available: AVAILABLE > 0 if available else AVAILABLE <= 0,
    )


offers = OfferRepository(first_entity_scope(readable))
get, get_many, search = offers.get, offers.get_many, offers.search


async def update_fields(
    session: AsyncSession,
    offer_id: uuid.UUID,
    values: dict[str, Any],
    *,
    version: int | None = None,
    from_statuses: Sequence[str] | None = None,
) -> Offer | None:
    """Apply `values` if the row is still at `version` / in one of `from_statuses`."""
    statement = update(Offer).where(Offer.id == offer_id)
    if version is not None:
        statement = statement.where(Offer.version == version)
    if from_statuses is not None:
        statement = statement.where(Offer.status.in_(from_statuses))
    statement = (
        statement.values(**values, version=Offer.version + 1).returning(Offer).execution_options(populate_existing=True)
    )
    return (await session.scalars(statement)).one_or_none()


async def reserve(session: AsyncSession, offer_id: uuid.UUID, quantity: Decimal) -> bool:
    """Add `quantity` to held in one statement, only if that much is available right now.

    The row lock and PostgreSQL's re-check of the WHERE clause after waiting for it make this
    safe under any concurrency: available = total − held − delivered never goes below zero.
    """
    now = clock.now()
    statement = (
        update(Offer)
        .where(
            Offer.id == offer_id,
            Offer.status == "published",
            Offer.valid_from <= now,
            or_(Offer.valid_until.is_(None), Offer.valid_until > now),
            AVAILABLE >= quantity,
        )
        .values(
            held=Offer.held + quantity,
            status=case((AVAILABLE == quantity, "exhausted"), else_=Offer.status),
        )
        .returning(Offer.id, Offer.status, Offer.region_prefix, Offer.org_id)
        .execution_options(synchronize_session=False)
    )
    reserved = (await session.execute(statement)).first()
    if reserved is not None and reserved.status == "exhausted":  # it was published: the WHERE says so
        await _record_status(session, reserved, "exhausted")
    return reserved is not None


async def return_held(session: AsyncSession, offer_id: uuid.UUID, quantity: Decimal) -> uuid.UUID | None:
    """Give back `quantity` from held (a hold was released or expired); the offer's organisation.

    An exhausted offer is published again. The first statement locks the row and reads the status
    it had, so the second knows for certain whether it is the one that moves it (and says so).
    """
    returned = (
        await session.execute(
            update(Offer)
            .where(Offer.id == offer_id)
            .values(held=Offer.held - quantity)
            .returning(Offer.id, Offer.status, Offer.region_prefix, Offer.org_id)
            .execution_options(synchronize_session=False)
        )
    ).first()
    if returned is None:
        return None
    if returned.status == "exhausted":
        await session.execute(
            update(Offer)
            .where(Offer.id == offer_id)
            .values(status="published")
            .execution_options(synchronize_session=False)
        )
        await _record_status(session, returned, "published")
    org_id: uuid.UUID = returned.org_id
    return org_id


async def _record_status(session: AsyncSession, offer: Row[uuid.UUID, str, str, uuid.UUID], status: str) -> None:
    """The event of a status the counters moved (holds, their expiry, the reconciler all come here)."""
    offer_id, _, region_prefix, org_id = offer
    await record_event(
        session,
        event=f"offer.{status}",
        entity="offer",
        entity_id=offer_id,
        scope=RecordScope(region_code=region_prefix, org_id=org_id),
        payload={"status": status},
    )


async def deliver_held(session: AsyncSession, offer_id: uuid.UUID, quantity: Decimal) -> None:
    """Move `quantity` from held to delivered (units; funds go through the ledger instead)."""
    await session.execute(
        update(Offer)
        .where(Offer.id == offer_id)
        .values(held=Offer.held - quantity, delivered=Offer.delivered + quantity)
        .execution_options(synchronize_session=False)
    )


async def expire_lapsed(session: AsyncSession) -> Sequence[Row[uuid.UUID, str, uuid.UUID]]:
    """Offers past their validity become expired (system job, no caller scope): id, region, org."""
    statement = (
        update(Offer)
        .where(Offer.status.in_(("published", "paused", "exhausted")), Offer.valid_until <= clock.now())
        .values(status="expired", version=Offer.version + 1)
        .returning(Offer.id, Offer.region_prefix, Offer.org_id)
        .execution_options(synchronize_session=False)
    )
    return (await session.execute(statement)).all()
