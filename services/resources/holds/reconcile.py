"""The resources side of the linking reconciler: a committed hold whose need is not matched to it gives its stock back.

The saga matches the need before it commits the hold (gateway/linking.py), so a committed hold's
need names it as `matched_reference` — until the need is cancelled, closed unfulfilled or opened
again. Every `WUSHE_RECONCILE_INTERVAL_S` each replica reads the needs of all committed holds
(committed holds are the outstanding deliveries: few) from the case service and releases those
whose need no longer names them, returning their quantity — the `RELEASE_HOLD` row of
`gateway.linking.next_step`. It also releases stray held holds: ones their need does not name
`WUSHE_RECONCILE_STRAY_AFTER_S` (a minute) after they were made — the try of a link, or a
donor's losing claim, whose gateway died or timed out before it could give them back (the saga
reserves the need within seconds of its hold). Only positive evidence counts: a need the case
service does not return is left alone.

Safe with any number of replicas: the release is the conditional UPDATE of
`hold_repository.move`, so a hold's quantity comes back exactly once.
"""

import logging
import uuid
from datetime import timedelta
from typing import Any

import httpx

from services.common.clock import clock
from services.common.database import Database
from services.common.service_identity import read_batch, service_headers
from services.common.settings import Settings
from services.resources.holds import repository as hold_repository
from services.resources.kit import hold_scope, record_event
from services.resources.offers import repository as offer_repository
from services.resources.pledges.lapse import void_pledges_of

logger = logging.getLogger("wushe.resources.reconcile")
BATCH = 100
AGREEING_NEED_STATES = ("matched", "fulfilled", "closed")
PART_NEED_STATES = ("open", "pending", "matched", "fulfilled", "closed")


async def reconcile_holds(database: Database, settings: Settings) -> int:
    """One pass; returns how many holds it released (committed ones whose need moved on, stray held ones)."""
    headers = service_headers(settings, "resources")
    if headers is None:
        return 0
    async with database.sessions() as session:
        held_before = clock.now() - timedelta(seconds=settings.reconcile_stray_after_s)
        rows = await hold_repository.unsettled(session, held_before)
    released = 0
    try:
        async with httpx.AsyncClient(base_url=settings.case_url, headers=headers, timeout=10) as client:
            for start in range(0, len(rows), BATCH):
                batch = rows[start : start + BATCH]
                needs = await read_batch(client, "needs", sorted({str(row.need_id) for row in batch}))
                for row in batch:
                    need = needs.get(str(row.need_id))
                    if need is not None and not _names(need, row.id, row.state):
                        released += await _release(database, row.id, row.state)
    except httpx.HTTPError as exc:  # case down: the next pass tries again
        logger.warning("reconciler could not read needs: %s", type(exc).__name__)
    if released:
        logger.info("reconciler released %d committed holds whose need moved on", released)
    return released


def _names(need: dict[str, Any], hold_id: uuid.UUID, hold_state: str) -> bool:
    reference = f"hold:{hold_id}"
    # A part of a funding need names its hold while the need still stands (open for the rest, or met).
    if need["state"] in PART_NEED_STATES and reference in {part["reference"] for part in need.get("parts") or []}:
        return True
    if hold_state == "held":  # reserved for it (pending), or matched and about to be committed
        return reference in (need.get("pending_reference"), need.get("matched_reference"))
    if need["state"] == "pending" and need.get("pending_reference") == reference:
        # Committed before its need was confirmed (a REST client may take the steps in that order):
        # still reserved for it; should the reservation lapse, the need opens and this hold goes back.
        return True
    return need["state"] in AGREEING_NEED_STATES and need.get("matched_reference") == reference


async def _release(database: Database, hold_id: uuid.UUID, state: str) -> int:
    async with database.sessions() as session, session.begin():
        moved = await hold_repository.move(session, hold_id, (state,), "released")
        if moved is None:
            return 0
        giver = await offer_repository.return_held(session, moved.offer_id, moved.quantity)
        # A donor's pledge whose claim did not stand goes with its hold, as on any release.
        await void_pledges_of(session, [moved.id])
        payload = {
            "offer_id": moved.offer_id,
            "need_id": moved.need_id,
            "quantity": moved.quantity,
            "reason": "reconciled",
        }
        await record_event(
            session,
            event="hold.released",
            entity="hold",
            entity_id=hold_id,
            scope=hold_scope(moved, giver),
            payload=payload,
        )
    return 1
