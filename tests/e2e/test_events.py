"""The gateway's event feed: one cursor over the three services; apps see wish events only."""

import asyncio
import base64
import json
import os
import random
import time
import uuid
from collections import Counter
from typing import Any

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import async_sessionmaker

from gateway.ids import from_global_id, to_global_id
from services.case.models import OutboxEvent as CaseOutboxEvent
from services.common.database import Database, create_engine
from services.common.outbox import emit_event
from services.common.settings import Settings
from services.resources.models import OutboxEvent as ResourcesOutboxEvent
from services.volunteers.models import OutboxEvent as VolunteersOutboxEvent
from tests.e2e.test_gateway_case import _new_elder, _publish
from tests.e2e.world import World
from tests.support.auth import bearer
from tests.support.graphql import error_codes, gql
from wushe_cli.stack import Stack

pytestmark = pytest.mark.e2e

FEED = """query($after: String) { events(after: $after, first: 200) { cursor hasMore
  events { service type aggregateType aggregateId payload } } }"""


def _drain(world: World, headers: dict[str, str]) -> list[dict]:
    seen, after = [], None
    for _ in range(50):
        page = world.ok(FEED, {"after": after}, headers)["events"]
        seen += page["events"]
        after = page["cursor"]
        if not page["hasMore"]:
            return seen
    raise AssertionError("the feed did not end")


def test_staff_and_apps_follow_the_feed(world: World, settings: Settings) -> None:
    need = _publish(world, _new_elder(world, 400), "一件棉衣")["need"]
    time.sleep(0.2)
    staff_events = _drain(world, world.admin)
    assert {"case", "resources", "volunteers"} >= {e["service"] for e in staff_events}
    published = [e for e in staff_events if e["type"] == "need.published"]
    assert published and all(e["payload"]["platform_id"] for e in published)

    wish_id = to_global_id("PublicWish", from_global_id(need["id"])[1])
    app = bearer(settings, "app_client", subject="events-app", scopes=["events:read"])
    app_events = _drain(world, app)
    assert {"type": "wish.published", "aggregateType": "PublicWish", "aggregateId": wish_id, "service": "case",
            "payload": {}} in app_events  # fmt: skip
    assert all(e["type"].startswith("wish.") and e["payload"] == {} for e in app_events)
    assert error_codes(gql(world.stack, FEED, {}, bearer(settings, "app_client", scopes=["wishes:read"]))) == [
        "FORBIDDEN"
    ]


TAIL = """query($after: String, $first: Int!) { events(after: $after, first: $first) { cursor hasMore
  events { service sequence } } }"""
APP_FEED = (
    """query($after: String) { events(after: $after, first: 10) { cursor hasMore events { type aggregateId } } }"""
)
OUTBOXES = {"case": CaseOutboxEvent, "resources": ResourcesOutboxEvent, "volunteers": VolunteersOutboxEvent}
GATEWAY_TAIL_SECONDS = float(os.environ.get("WUSHE_EVENTS_TAIL_S", "15"))


async def _write(database: Database, model: type[Any], stop: asyncio.Event, rng: random.Random) -> None:
    """Overlapping transactions that take their transaction id before or after their events' ids."""
    while not stop.is_set():
        async with database.sessions() as session:
            if rng.random() < 0.5:
                await session.execute(text("SELECT pg_current_xact_id()"))
                await asyncio.sleep(rng.random() * 0.02)
            for _ in range(rng.randint(1, 3)):
                await emit_event(session, model, "tail.written", "test", uuid.uuid4(), {})
                await asyncio.sleep(rng.random() * 0.01)
            await (session.rollback() if rng.random() < 0.1 else session.commit())


async def _tail_gateway(stack: Stack, headers: dict[str, str], done: asyncio.Event) -> list[tuple[str, int]]:
    """Follow the gateway's feed until the writers are done and a page comes back empty."""
    seen: list[tuple[str, int]] = []
    after = None
    async with httpx.AsyncClient(base_url=stack.url("gateway"), timeout=30) as client:
        while True:
            finished = done.is_set()
            response = await client.post("/graphql", json={"query": TAIL, "variables": {"after": after, "first": 37}},
                                         headers=headers)  # fmt: skip
            body = response.json()
            assert "errors" not in body, body
            page = body["data"]["events"]
            seen += [(e["service"], e["sequence"]) for e in page["events"]]
            after = page["cursor"]
            if not page["hasMore"]:
                if finished and not page["events"]:
                    return seen
                await asyncio.sleep(0.01)


async def test_the_gateway_feed_misses_and_repeats_nothing_under_writes(world: World, e2e_database_url: str) -> None:
    """Writers commit to all three outboxes from several connections while staff tail the gateway's
    feed; afterwards what they saw is exactly the three outbox tables (the events at rest included)."""
    engine = create_engine(e2e_database_url, pool_size=12, max_overflow=4)
    database = Database(engine=engine, sessions=async_sessionmaker(engine, expire_on_commit=False))
    try:
        stop, done = asyncio.Event(), asyncio.Event()
        writers = [
            asyncio.create_task(_write(database, model, stop, random.Random(f"{name}{n}")))
            for name, model in OUTBOXES.items()
            for n in range(3)
        ]
        # The writers' events carry no record scope: only an admin without a region claim reads them all.
        everything = bearer(world.settings, "civil_affairs_admin", subject="feed-tail")
        reader = asyncio.create_task(_tail_gateway(world.stack, everything, done))
        await asyncio.sleep(GATEWAY_TAIL_SECONDS)
        stop.set()
        await asyncio.gather(*writers)
        done.set()
        seen = Counter(await reader)
        async with database.sessions() as session:
            stored = {
                (name, event_id)
                for name, model in OUTBOXES.items()
                for event_id in await session.scalars(select(model.id))
            }
    finally:
        await engine.dispose()
    missed, repeated = stored - seen.keys(), sum(n - 1 for n in seen.values())
    print(f"gateway feed tailed {GATEWAY_TAIL_SECONDS:.0f} s: {len(stored)} events stored, {len(seen)} seen, "
          f"{len(missed)} missed, {repeated} repeated")  # fmt: skip
    assert len(stored) > 300
    assert (len(missed), repeated, len(seen.keys() - stored)) == (0, 0, 0)


async def test_an_apps_first_page_holds_the_wish_event_behind_hundreds_of_others(
    world: World, settings: Settings, e2e_database_url: str
) -> None:
    app = bearer(settings, "app_client", subject="events-app", scopes=["events:read"])
    after = None
    while True:  # to the end of the feed as it is now
        page = (await asyncio.to_thread(world.ok, APP_FEED, {"after": after}, app))["events"]
        assert page["events"] or not page["hasMore"], "an empty page while more is there"
        after = page["cursor"]
        if not page["hasMore"]:
            break
    engine = create_engine(e2e_database_url, pool_size=2)
    try:
        async with async_sessionmaker(engine)() as session:
            for name, model in OUTBOXES.items():
                for _ in range(150):
                    await emit_event(session, model, f"{name}.noise", "test", uuid.uuid4(), {})
            await session.commit()
    finally:
        await engine.dispose()
    need = await asyncio.to_thread(lambda: _publish(world, _new_elder(world, 401), "一双棉鞋")["need"])
    page = (await asyncio.to_thread(world.ok, APP_FEED, {"after": after}, app))["events"]
    wish_id = to_global_id("PublicWish", from_global_id(need["id"])[1])
    assert {"type": "wish.published", "aggregateId": wish_id} in page["events"]


def test_a_forged_or_foreign_cursor_is_bad_input(world: World) -> None:
    foreign = base64.urlsafe_b64encode(json.dumps({"case": 5, "resources": 0, "volunteers": 0}).encode()).decode()
    for cursor in ("not base64 at all!", foreign, "eyJ2IjogMX0", "x" * 500):
        assert error_codes(gql(world.stack, FEED, {"after": cursor}, world.admin)) == ["BAD_USER_INPUT"]
