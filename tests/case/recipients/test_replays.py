"""A replayed answer is a request too: the same caller with the same rights only, audited, and
stored sealed; records are purged after the retention window."""

from datetime import timedelta

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.case.models import AuditEntry, IdempotencyRecord
from services.common.clock import clock
from services.common.database import Database
from services.common.idempotency import purge_expired
from services.common.settings import Settings
from tests.case.factories import make_tree
from tests.case.recipients.test_endpoints import new_recipient
from tests.support.auth import bearer


async def test_another_role_of_the_same_subject_gets_no_replay(
    client: httpx.AsyncClient, settings: Settings, session: AsyncSession
) -> None:
    tree = await make_tree(session)
    body = new_recipient(tree["station"].id)
    station = {
        **bearer(settings, "station_staff", platform_id=tree["station"].id, subject="li"),
        "Idempotency-Key": "k1",
    }
    first = await client.post("/v1/recipients", json=body, headers=station)
    assert first.status_code == 201 and first.json()["id_number"] == body["id_number"]
    as_admin = {**bearer(settings, "civil_affairs_admin", region="15", subject="li"), "Idempotency-Key": "k1"}
    refused = await client.post("/v1/recipients", json=body, headers=as_admin)
    assert refused.status_code == 422 and refused.json()["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert body["id_number"] not in refused.text


async def test_a_replay_is_audited_and_the_stored_answer_is_sealed(
    client: httpx.AsyncClient, settings: Settings, session: AsyncSession
) -> None:
    tree = await make_tree(session)
    body = new_recipient(tree["station"].id)
    station = {
        **bearer(settings, "station_staff", platform_id=tree["station"].id, subject="li"),
        "Idempotency-Key": "k2",
    }
    first = await client.post("/v1/recipients", json=body, headers=station)
    again = await client.post("/v1/recipients", json=body, headers=station)
    assert again.headers["idempotent-replayed"] == "true" and again.json() == first.json()
    replays = await session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.action == "replay", AuditEntry.entity_id == first.json()["id"])
    )
    assert replays == 1
    stored = await session.scalar(select(IdempotencyRecord.response).where(IdempotencyRecord.key == "k2"))
    assert set(stored) == {"sealed"}
    for secret in (body["id_number"], body["phone"], body["address"], body["name"]):
        assert secret not in str(stored)


async def test_records_past_the_retention_window_are_purged(
    client: httpx.AsyncClient, settings: Settings, session: AsyncSession, rolled_back_db: Database
) -> None:
    tree = await make_tree(session)
    station = {
        **bearer(settings, "station_staff", platform_id=tree["station"].id, subject="li"),
        "Idempotency-Key": "k3",
    }
    await client.post("/v1/recipients", json=new_recipient(tree["station"].id), headers=station)
    keys = select(func.count()).select_from(IdempotencyRecord).where(IdempotencyRecord.key == "k3")
    with clock.shifted(clock.now() + timedelta(days=29)):
        assert await purge_expired(rolled_back_db, IdempotencyRecord, 30) == 0
    assert await session.scalar(keys) == 1
    with clock.shifted(clock.now() + timedelta(days=31)):
        assert await purge_expired(rolled_back_db, IdempotencyRecord, 30) == 1
    assert await session.scalar(keys) == 0
