"""The case side of the linking reconciler: a need reserved or matched for a hold that lapsed opens again.

A need is matched first and its hold committed second (gateway/linking.py). If the gateway dies
in between, or the commit never lands, the hold expires in resources and the need stays matched
to nothing. Every `WUSHE_RECONCILE_INTERVAL_S` each replica reads the holds of recently reserved
or matched needs from resources and opens the needs whose hold is expired or released — the
`UNDO_NEED` row of `gateway.linking.next_step`. A held hold is left alone (the saga may be about
to commit it) and a committed or delivered one is the agreement.

It also drops the parts of funding needs met in parts (services/case/needs/parts.py) whose hold
lapsed: the need lacks that amount again (and opens if the part had completed it), so a fund's
hold that expired or was given back is not counted as money the need has.

Safe with any number of replicas without locks: the change is one conditional UPDATE (still in
the state and for the reference that was read), so each need opens exactly once and only the
replica that changed it emits `need.open`; a part is dropped with the need locked.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import update

from services.case.kit import record_event, scope_of
from services.case.models import Need
from services.case.needs import parts, repository
from services.common.clock import clock
from services.common.database import Database
from services.common.service_identity import read_batch, service_headers
from services.common.settings import Settings
from services.common.vocabulary import NeedState

logger = logging.getLogger("wushe.case.reconcile")
BATCH = 100
LAPSED = ("expired", "released")


def window(settings: Settings) -> timedelta:
    """How far back links are compared: the longest a hold can stand, and a day to spare."""
    return timedelta(seconds=max(settings.match_hold_ttl_s, settings.claim_ttl_s)) + timedelta(days=1)


async def reconcile_needs(database: Database, settings: Settings) -> int:
    """One pass; returns how many needs it opened."""
    headers = service_headers(settings, "case")
    if headers is None:
        return 0
    since = clock.now() - window(settings)
    async with database.sessions() as session:
        rows = await repository.linked_to_holds_since(session, since)
        parted = await repository.with_parts_since(session, since)
    opened = dropped = 0
    try:
        async with httpx.AsyncClient(base_url=settings.resources_url, headers=headers, timeout=10) as client:
            for start in range(0, len(rows), BATCH):
                batch = rows[start : start + BATCH]
                holds = await _hold_states(client, [_reference(row).removeprefix("hold:") for row in batch])
                lapsed = [row for row in batch if holds.get(_reference(row).removeprefix("hold:")) in LAPSED]
                for row in lapsed:
                    opened += await _open(database, row)
            for start in range(0, len(parted), BATCH):
                needs = parted[start : start + BATCH]
                references = sorted({part["reference"] for need in needs for part in need.parts})
                holds = await _hold_states(
                    client, [r.removeprefix("hold:") for r in references if r.startswith("hold:")]
                )
                for need in needs:
                    gone = [
                        p["reference"] for p in need.parts if holds.get(p["reference"].removeprefix("hold:")) in LAPSED
                    ]
                    if gone:
                        dropped += await _drop_parts(database, need.id, gone)
    except httpx.HTTPError as exc:  # resources down: the next pass tries again
        logger.warning("reconciler could not read holds: %s", type(exc).__name__)
    if opened or dropped:
        logger.info("reconciler opened %d needs whose hold lapsed, dropped %d lapsed parts", opened, dropped)
    return opened + dropped


@dataclass(frozen=True)
class _Row:
    id: uuid.UUID
    platform_id: uuid.UUID
    region_code: str


def _reference(row: Any) -> str:
    return str(row.matched_reference if row.state == NeedState.MATCHED.value else row.pending_reference)


async def _hold_states(client: httpx.AsyncClient, ids: list[str]) -> dict[str, str]:
    return {hold_id: hold["state"] for hold_id, hold in (await read_batch(client, "holds", ids)).items()}


async def _open(database: Database, row: Any) -> int:
    reference = _reference(row)
    column = Need.matched_reference if row.state == NeedState.MATCHED.value else Need.pending_reference
    now = clock.now()
    async with database.sessions() as session, session.begin():
        changed = (
            await session.execute(
                update(Need)
                .where(Need.id == row.id, Need.state == row.state, column == reference)
                .values(
                    state=NeedState.OPEN.value,
                    matched_reference=None,
                    pending_reference=None,
                    pending_until=None,
                    version=Need.version + 1,
                    updated_at=now,
                )
                .returning(Need.platform_id, Need.region_code)
            )
        ).one_or_none()
        if changed is None:
            return 0
        payload = {
            "from": row.state,
            "platform_id": changed.platform_id,
            "reference": reference,
            "reason": "hold lapsed",
        }
        scope = await scope_of(session, _Row(row.id, changed.platform_id, changed.region_code))
        await record_event(session, event="need.open", entity="need", entity_id=row.id, scope=scope, payload=payload)
    return 1


async def _drop_parts(database: Database, need_id: uuid.UUID, references: list[str]) -> int:
    """Drop the parts of these lapsed holds from a funding need (locked); it opens if it was matched."""
    async with database.sessions() as session, session.begin():
        need = await repository.lock_for_reconcile(session, need_id)
        if need is None or need.state not in parts.LIVE_STATES:
            return 0
        removed = [reference for reference in references if parts.remove_part(need, reference)]
        if not removed:
            return 0
        reopened = need.state == NeedState.MATCHED.value
        if reopened:
            need.state, need.matched_reference = NeedState.OPEN.value, None
        need.version += 1
        need.updated_at = clock.now()
        await session.flush()
        if need.state == NeedState.OPEN.value:  # open (again) for what it lacks: the feed's word for it
            scope = await scope_of(session, need)
            payload = {
                "from": NeedState.MATCHED.value if reopened else NeedState.OPEN.value,
                "platform_id": need.platform_id,
                "references": removed,
                "reason": "part lapsed",
                "lacking_amount": str(parts.lacking_amount(need)),
            }
            await record_event(
                session, event="need.open", entity="need", entity_id=need.id, scope=scope, payload=payload
            )
    return len(removed)
