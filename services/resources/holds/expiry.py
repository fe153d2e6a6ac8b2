"""Hold expiry: a background job in every replica, safe to run any number of times at once.

Each run takes overdue holds with `FOR UPDATE SKIP LOCKED`, so two workers never take the same
hold, and the conditional `state = 'held'` means a hold is expired — and its quantity returned —
exactly once, even when a release races with it.
"""

import logging
import uuid
from collections import defaultdict
from decimal import Decimal

from services.common.changes import RecordScope
from services.common.database import Database
from services.common.observability import HOLDS_EXPIRED
from services.resources.holds import repository as hold_repository
from services.resources.kit import record_event
from services.resources.offers import repository as offer_repository
from services.resources.pledges.lapse import void_pledges_of

BATCH_SIZE = 500
logger = logging.getLogger("wushe.resources.expiry")


async def expire_due_holds(database: Database, batch_size: int = BATCH_SIZE) -> int:
    """Expire overdue holds and give their quantity back; returns how many this run expired."""
    async with database.sessions() as session, session.begin():
        expired = await hold_repository.expire_due(session, batch_size)
        returned: dict[uuid.UUID, Decimal] = defaultdict(Decimal)
        for row in expired:
            returned[row.offer_id] += row.quantity
        # Offers in a fixed order, so two workers never wait on each other in a cycle.
        givers = {}
        for offer_id in sorted(returned, key=str):
            givers[offer_id] = await offer_repository.return_held(session, offer_id, returned[offer_id])
        await void_pledges_of(session, [row.id for row in expired])
        for row in expired:
            await record_event(
                session,
                event="hold.expired",
                entity="hold",
                entity_id=row.id,
                scope=RecordScope(row.need_region, row.platform_path, givers.get(row.offer_id)),
                payload={"offer_id": row.offer_id, "need_id": row.need_id, "quantity": row.quantity},
            )
    if expired:
        logger.info("expired %d holds", len(expired))
    return len(expired)


async def expire_lapsed_offers(database: Database) -> int:
    """Offers past their `valid_until` become expired."""
    async with database.sessions() as session, session.begin():
        lapsed = await offer_repository.expire_lapsed(session)
        for offer_id, region_prefix, org_id in lapsed:
            await record_event(
                session,
                event="offer.expired",
                entity="offer",
                entity_id=offer_id,
                scope=RecordScope(region_code=region_prefix, org_id=org_id),
                payload={"status": "expired"},
            )
    return len(lapsed)


async def run_expiry(database: Database) -> None:
    """The background job: holds first, then offers."""
    while True:
        expired = await expire_due_holds(database)
        HOLDS_EXPIRED.inc(expired)  # counted after the commit: a rolled-back run counts nothing
        if expired < BATCH_SIZE:
            break
    await expire_lapsed_offers(database)
