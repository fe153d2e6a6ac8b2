"""A claim that did not stand leaves nothing behind.

A donor's pledge is a donation offer made for one wish plus a hold on it (pledges/service.py).
When that hold is released (the claim lost the race for the wish, or the donor withdrew) or
expires (the claim lapsed unconfirmed), the offer can never serve anything else: it was the
donor's gift for that wish. So in the same transaction the offer is expired — it leaves every
list of available resources, and matching never sees it — and a pledged fund's money, which
was only promised, is taken out again by a reversing adjustment entry, so the fund's total (what
statistics count as raised) is back to what was really received: nothing.
"""

import uuid
from collections.abc import Collection
from decimal import Decimal

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.changes import RecordScope
from services.resources.funds import repository as ledger_repository
from services.resources.kit import record_event
from services.resources.models import Offer
from services.resources.pledges import repository as pledge_repository

VOID_REFERENCE = "claim did not stand / 认领未成立"


async def void_pledges_of(session: AsyncSession, hold_ids: Collection[uuid.UUID]) -> int:
    """Expire the offers (and reverse the pledged money) of the pledges carried by these holds."""
    if not hold_ids:
        return 0
    offer_ids = await pledge_repository.offers_pledged_with(session, list(hold_ids))
    voided = 0
    for offer_id in sorted(offer_ids, key=str):  # a fixed order: no lock cycles between workers
        offer = (
            await session.execute(
                update(Offer)
                .where(Offer.id == offer_id, Offer.status.in_(("published", "exhausted", "paused")))
                .values(status="expired", version=Offer.version + 1)
                .returning(Offer.kind, Offer.total, Offer.held, Offer.delivered, Offer.region_prefix, Offer.org_id)
            )
        ).one_or_none()
        if offer is None:
            continue
        unpaid = Decimal(offer.total) - Decimal(offer.held) - Decimal(offer.delivered)
        if offer.kind == "fund" and unpaid > 0:
            await ledger_repository.append(
                session,
                offer_id,
                "adjustment",
                -unpaid,
                entry={"reference": VOID_REFERENCE, "actor": "system:pledges"},
            )
        await record_event(
            session,
            event="offer.expired",
            entity="offer",
            entity_id=offer_id,
            scope=RecordScope(region_code=offer.region_prefix, org_id=offer.org_id),
            payload={"status": "expired", "reason": "pledge void"},
        )
        voided += 1
    return voided
