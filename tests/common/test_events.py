"""The outbox read path: order that cannot be overtaken, cursor paging, type filters, who may read."""

import asyncio
import os
import random
import uuid
from collections import Counter
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from services.case.app import create_app
from services.case.models import OutboxEvent
from services.common.database import Database
from services.common.outbox import START, EventPosition, emit_event, read_events
from services.common.settings import Settings
from services.resources.app import create_app as create_resources_app
from services.resources.models import OutboxEvent as ResourcesOutboxEvent
from services.volunteers.app import create_app as create_volunteers_app
from services.volunteers.models import OutboxEvent as VolunteersOutboxEvent
from tests.support.auth import bearer

# Issue 16 asks for 60 s; the suite tails for 20 s (WUSHE_EVENTS_TAIL_S=60 for the full measurement).
TAIL_SECONDS = float(os.environ.get("WUSHE_EVENTS_TAIL_S", "20"))


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
            assert [e.event_type for e in await read_events(reader, OutboxEvent, START, 10)] == []
        await slow.commit()
    async with sessions() as reader:
        assert [e.event_type for e in await read_events(reader, OutboxEvent, START, 10)] == [
            "slow.first",
            "fast.second",
        ]


async def test_an_older_transaction_writing_late_is_not_skipped(engine: AsyncEngine, committed_db: Database) -> None:
    """The skip the id cursor had: an older transaction writes its event after a younger one wrote its own.

    The older event gets the higher id and commits first, while the younger one is still running. An id
    cursor read the older event, stood at its id and never saw the younger event's lower id. In
    `(transaction_id, id)` order the younger event comes after the older one, behind the cursor never.
    """
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    async with sessions() as older, sessions() as younger:
        await older.execute(text("SELECT pg_current_xact_id()"))  # as its first write would
        await younger.execute(text("SELECT pg_current_xact_id()"))
        await emit_event(younger, OutboxEvent, "younger", "test", uuid.uuid4(), {})
        await emit_event(older, OutboxEvent, "older", "test", uuid.uuid4(), {})
        await older.commit()
        async with sessions() as reader:
            first = await read_events(reader, OutboxEvent, START, 10)
        await younger.commit()
    async with sessions() as reader:
        rest = await read_events(reader, OutboxEvent, EventPosition.of(first[-1]), 10)
    assert [e.event_type for e in first] == ["older"]
    assert [e.event_type for e in rest] == ["younger"]
    assert first[0].id > rest[0].id


async def test_events_page_by_cursor_and_refuse_outsiders(settings: Settings, committed_db: Database) -> None:
    async with committed_db.sessions() as session:
        for n in range(3):
            await emit_event(session, OutboxEvent, f"test.{n}", "test", uuid.uuid4(), {"n": n})
        await session.commit()
    app = create_app(settings, committed_db)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://case") as client:
        # Events without a record scope are read only by admins without a region claim.
        staff = bearer(settings, "civil_affairs_admin")
        first = (await client.get("/v1/events?limit=2", headers=staff)).json()
        assert first["has_more"] is True
        rest = (await client.get(f"/v1/events?after={first['next_after']}", headers=staff)).json()
        assert [e["payload"]["n"] for e in first["items"] + rest["items"]] == [0, 1, 2]
        assert rest["has_more"] is False
        again = (await client.get(f"/v1/events?after={rest['next_after']}", headers=staff)).json()
        assert again == {"items": [], "next_after": rest["next_after"], "has_more": False}
        assert (
            await client.get("/v1/events", headers=bearer(settings, "org_staff", org_id=uuid.uuid4()))
        ).status_code == 403
        app_with_scope = bearer(settings, "app_client", scopes=["events:read"])
        assert (await client.get("/v1/events", headers=app_with_scope)).status_code == 200


class TestTypeFilters:
    async def test_only_matching_events_fill_the_page(self, settings: Settings, committed_db: Database) -> None:
        """100 other events before the first match: the first page already holds the matches."""
        async with committed_db.sessions() as session:
            for n in range(100):
                await emit_event(session, OutboxEvent, "recipient.registered", "recipient", uuid.uuid4(), {"n": n})
            for name in ("need.published", "needy.thing", "need.matched", "case.opened"):
                await emit_event(session, OutboxEvent, name, "test", uuid.uuid4(), {})
            await session.commit()
        app = create_app(settings, committed_db)
        staff = bearer(settings, "civil_affairs_admin")
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://case") as client:
            exact = (await client.get("/v1/events?limit=10&types=need.matched&types=case.opened", headers=staff)).json()
            by_prefix = (await client.get("/v1/events?limit=10&prefix=need.", headers=staff)).json()
            both = (await client.get("/v1/events?limit=1&prefix=need.&types=case.opened", headers=staff)).json()
        assert [e["event_type"] for e in exact["items"]] == ["need.matched", "case.opened"]
        assert [e["event_type"] for e in by_prefix["items"]] == ["need.published", "need.matched"]
        assert [e["event_type"] for e in both["items"]] == ["need.published"] and both["has_more"] is True

    @pytest.mark.parametrize(
        "query", ["types=", "types=NEED", "prefix=need%25", "prefix=" + "a" * 81, "after=1", "after=-1.2", "after=1.x"]
    )
    async def test_malformed_filters_and_cursors_are_refused(
        self, settings: Settings, committed_db: Database, query: str
    ) -> None:
        app = create_app(settings, committed_db)
        staff = bearer(settings, "civil_affairs_admin")
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://case") as client:
            response = await client.get(f"/v1/events?{query}", headers=staff)
        assert response.status_code in (400, 422)


class TestTailingUnderWrites:
    async def test_every_feed_misses_nothing_and_repeats_nothing(
        self, settings: Settings, committed_db: Database
    ) -> None:
        """Writers on separate connections commit (and roll back) events whose transactions overlap, taking
        their transaction ids in a different order from their event ids; a reader per service tails
        its REST feed the whole time. Afterwards what each reader saw is exactly the outbox table."""
        feeds: list[tuple[str, FastAPI, type[Any]]] = [
            ("case", create_app(settings, committed_db), OutboxEvent),
            ("resources", create_resources_app(settings, committed_db), ResourcesOutboxEvent),
            ("volunteers", create_volunteers_app(settings, committed_db), VolunteersOutboxEvent),
        ]
        stop, written_all = asyncio.Event(), asyncio.Event()
        writers = [
            asyncio.create_task(_write_events(committed_db, model, stop, random.Random(f"{name}{n}")))
            for name, _, model in feeds
            for n in range(4)
        ]
        readers = [asyncio.create_task(_tail(settings, app, written_all)) for _, app, _ in feeds]
        await asyncio.sleep(TAIL_SECONDS)
        stop.set()
        written = sum(await asyncio.gather(*writers))
        written_all.set()
        seen = await asyncio.gather(*readers)

        report = {}
        async with committed_db.sessions() as session:
            for (name, _, model), ids in zip(feeds, seen, strict=True):
                stored = set((await session.scalars(select(model.id))).all())
                counted = Counter(ids)
                report[name] = {
                    "stored": len(stored),
                    "missed": len(stored - counted.keys()),
                    "repeated": sum(n - 1 for n in counted.values()),
                    "unknown": len(counted.keys() - stored),
                }
        print(f"tailed {TAIL_SECONDS:.0f} s, {written} events committed: {report}")
        assert all(r["stored"] > 100 for r in report.values()), report
        assert [r["missed"] + r["repeated"] + r["unknown"] for r in report.values()] == [0, 0, 0], report


async def _write_events(database: Database, model: type[Any], stop: asyncio.Event, rng: random.Random) -> int:
    """Until `stop`: transactions that take their id early or late, write 1–3 events, pause, and mostly commit."""
    committed = 0
    while not stop.is_set():
        async with database.sessions() as session:
            if rng.random() < 0.5:
                # A transaction id taken before the event's id, as a hold's counter update does first.
                await session.execute(text("SELECT pg_current_xact_id()"))
                await asyncio.sleep(rng.random() * 0.02)
            count = rng.randint(1, 3)
            for _ in range(count):
                await emit_event(session, model, "tail.written", "test", uuid.uuid4(), {})
                await asyncio.sleep(rng.random() * 0.01)
            if rng.random() < 0.1:
                await session.rollback()
            else:
                await session.commit()
                committed += count
    return committed


async def _tail(settings: Settings, app: FastAPI, written_all: asyncio.Event) -> list[int]:
    """Follow `GET /v1/events` with small pages while writers run, then until the feed is drained."""
    staff = bearer(settings, "civil_affairs_admin")
    seen: list[int] = []
    after = "0"
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://service") as client:
        while True:
            writers_done = written_all.is_set()
            page = (await client.get("/v1/events", params={"after": after, "limit": 7}, headers=staff)).json()
            seen += [item["id"] for item in page["items"]]
            after = page["next_after"]
            if not page["has_more"]:
                if writers_done and not page["items"]:
                    return seen
                await asyncio.sleep(0.005)
