"""The volunteers side of the linking reconciler: a care assignment whose need moved on ends.

A care need is met by a volunteer through `assignVolunteer` (gateway/linking.py `confirm_care`):
the need is reserved, the assignment made, the need matched. Closing a case cancels its needs and
the gateway then ends their assignments (gateway/mutations/case.py). Should the gateway die between
the two — or the saga between making the assignment and matching the need — an active assignment
is left whose need is no longer met by a volunteer: the volunteer would go on seeing the elder's
address. Every `WUSHE_RECONCILE_INTERVAL_S` each replica reads the needs of the active assignments
made more than `WUSHE_RECONCILE_STRAY_AFTER_S` ago from the case service and ends those whose need
is neither matched nor reserved for an assignment (cancelled, closed, opened again). Only positive
evidence counts: a need the case service does not return is left alone.

Safe with any number of replicas: the end is one conditional UPDATE (state active → ended).
"""

import logging
import uuid
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import update

from services.common.clock import clock
from services.common.database import Database
from services.common.service_identity import read_batch, service_headers
from services.common.settings import Settings
from services.volunteers.assignments import repository as assignment_repository
from services.volunteers.kit import record_event, scope_of
from services.volunteers.models import CareAssignment

logger = logging.getLogger("wushe.volunteers.reconcile")
BATCH = 100
REFERENCE_PREFIX = "assignment:"


def names_an_assignment(need: dict[str, Any]) -> bool:
    """The need is still met (or about to be) by a volunteer's assignment."""
    if need.get("state") == "matched":
        return str(need.get("matched_reference") or "").startswith(REFERENCE_PREFIX)
    if need.get("state") == "pending":
        return str(need.get("pending_reference") or "").startswith(REFERENCE_PREFIX)
    return False


async def reconcile_assignments(database: Database, settings: Settings) -> int:
    """One pass; returns how many active assignments it ended because their need moved on."""
    headers = service_headers(settings, "volunteers")
    if headers is None:
        return 0
    made_before = clock.now() - timedelta(seconds=settings.reconcile_stray_after_s)
    async with database.sessions() as session:
        rows = await assignment_repository.active_made_before(session, made_before)
    ended = 0
    try:
        async with httpx.AsyncClient(base_url=settings.case_url, headers=headers, timeout=10) as client:
            for start in range(0, len(rows), BATCH):
                batch = rows[start : start + BATCH]
                needs = await read_batch(client, "needs", sorted({str(need_id) for _, need_id in batch}))
                for assignment_id, need_id in batch:
                    need = needs.get(str(need_id))
                    if need is not None and not names_an_assignment(need):
                        ended += await _end(database, assignment_id, str(need.get("state")))
    except httpx.HTTPError as exc:  # case down: the next pass tries again
        logger.warning("reconciler could not read needs: %s", type(exc).__name__)
    if ended:
        logger.info("reconciler ended %d care assignments whose need moved on", ended)
    return ended


async def _end(database: Database, assignment_id: uuid.UUID, need_state: str) -> int:
    async with database.sessions() as session, session.begin():
        row = await session.scalar(
            update(CareAssignment)
            .where(CareAssignment.id == assignment_id, CareAssignment.state == "active")
            .values(state="ended", version=CareAssignment.version + 1)
            .returning(CareAssignment)
        )
        if row is None:
            return 0
        await record_event(
            session,
            event="assignment.ended",
            entity="care_assignment",
            entity_id=assignment_id,
            scope=scope_of(row),
            payload={"state": "ended", "reason": "reconciled", "need_state": need_state},
        )
    return 1
