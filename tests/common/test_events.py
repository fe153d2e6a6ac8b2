"""The outbox read path: order that cannot be overtaken, cursor paging, who may read."""

import uuid

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from services.case.app import create_app
from services.case.models import OutboxEvent
from services.common.database import Database
from services.common.outbox import emit_event, read_events
from services.common.settings import Settings
from tests.support.auth import bearer


async def test_uncommitted_lower_id_holds_back_later_events(engine: AsyncEngine, committed_db: Database) -> None:
    """A slow transaction that took id N keeps every event after N invisible until it commits."""
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    async with sessions() as slow:
        await emit_event(slow, OutboxEvent, "slow.first", "test", uuid.uuid4(), {})
        await slow.flush()
        async with sessions() as fast:
            await emit_event(fast, OutboxEvent, "fast.second", "test", uuid.uuid4(), {})
            await fast.commit()
        async with sessions() as reader:
            assert [e.event_type for e in await read_events(reader, OutboxEvent, 0, 10)] == []
        await slow.commit()
    async with sessions() as reader:
        assert [e.event_type for e in await read_events(reader, OutboxEvent, 0, 10)] == ["slow.first", "fast.second"]


async def test_events_page_by_cursor_and_refuse_outsiders(settings: Settings, committed_db: Database) -> None:
    async with committed_db.sessions() as session:
        for n in range(3):
            await emit_event(session, OutboxEvent, f"test.{n}", "test", uuid.uuid4(), {"n": n})
        await session.commit()
    app = create_app(settings, committed_db)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://case") as client:
        staff = bearer(settings, "station_staff", platform_id=uuid.uuid4())
        first = (await client.get("/v1/events?limit=2", headers=staff)).json()
        rest = (await client.get(f"/v1/events?after={first['next_after']}", headers=staff)).json()
        assert [e["payload"]["n"] for e in first["items"] + rest["items"]] == [0, 1, 2]
        assert (
            await client.get("/v1/events", headers=bearer(settings, "org_staff", org_id=uuid.uuid4()))
        ).status_code == 403
        app_with_scope = bearer(settings, "app_client", scopes=["events:read"])
        assert (await client.get("/v1/events", headers=app_with_scope)).status_code == 200
