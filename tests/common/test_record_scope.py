"""`/v1/audit` and `/v1/events` answer by the staff-scope policy of the records they are about."""

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.case.app import create_app
from services.case.kit import APP_EVENT_TYPES
from services.case.models import OutboxEvent
from services.common.auth import Principal
from services.common.database import Database
from services.common.record_scope import visible_events
from services.common.settings import Settings
from services.common.vocabulary import Role
from tests.case.factories import make_tree
from tests.support.auth import bearer


@pytest.fixture
async def client(settings: Settings, rolled_back_db: Database) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(settings, rolled_back_db), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://case") as client:
        yield client


@pytest.fixture
async def session(rolled_back_db: Database) -> AsyncIterator[AsyncSession]:
    async with rolled_back_db.sessions() as session:
        yield session


async def _new_station(client: httpx.AsyncClient, headers: dict[str, str], centre_id: str, region: str) -> str:
    body = {
        "name": "新社工站",
        "level": "station",
        "region_code": region,
        "parent_id": centre_id,
        "service_model": "sinking",
    }
    response = await client.post("/v1/platforms", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def test_each_county_reads_its_own_audit_rows_and_events(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    manzhouli, hailar = await make_tree(session, "150781"), await make_tree(session, "150702")
    await session.commit()
    centre_a = bearer(settings, "centre_staff", platform_id=manzhouli["centre"].id, region="150781")
    centre_b = bearer(settings, "centre_staff", platform_id=hailar["centre"].id, region="150702")
    ours = await _new_station(client, centre_a, str(manzhouli["centre"].id), "150781002")
    theirs = await _new_station(client, centre_b, str(hailar["centre"].id), "150702002")

    audited = {row["entity_id"] for row in (await client.get("/v1/audit", headers=centre_a)).json()["items"]}
    assert ours in audited and theirs not in audited
    admin = bearer(settings, "civil_affairs_admin", region="150702")
    audited = {row["entity_id"] for row in (await client.get("/v1/audit", headers=admin)).json()["items"]}
    assert theirs in audited and ours not in audited

    # The feed shows an event once its transaction has ended, and this test's never does: the
    # scope is checked on the statement the feed adds it to.
    station_a = Principal("s", Role.STATION_STAFF, platform_id=manzhouli["station"].id, region="150781")
    cases = (
        (Principal("a", Role.CENTRE_STAFF, platform_id=manzhouli["centre"].id, region="150781"), {ours}, {theirs}),
        (Principal("b", Role.CENTRE_STAFF, platform_id=hailar["centre"].id, region="150702"), {theirs}, {ours}),
        (station_a, set(), {ours, theirs}),
        (Principal("app", Role.APP_CLIENT, scopes=frozenset({"events:read"})), set(), {ours, theirs}),
    )
    for principal, seen, unseen in cases:
        statement = select(OutboxEvent.aggregate_id).where(visible_events(principal, OutboxEvent, APP_EVENT_TYPES))
        events = {str(a) for a in (await session.scalars(statement)).all()}
        assert seen <= events and not unseen & events, principal
