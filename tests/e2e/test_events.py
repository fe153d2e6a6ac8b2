"""The gateway's event feed: one cursor over the three services; apps see wish events only."""

import time

import pytest

from services.common.settings import Settings
from tests.e2e.test_gateway_case import _new_elder, _publish
from tests.e2e.world import World
from tests.support.auth import bearer
from tests.support.graphql import error_codes, gql

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

    from gateway.ids import from_global_id, to_global_id

    wish_id = to_global_id("PublicWish", from_global_id(need["id"])[1])
    app = bearer(settings, "app_client", subject="events-app", scopes=["events:read"])
    app_events = _drain(world, app)
    assert {"type": "wish.published", "aggregateType": "PublicWish", "aggregateId": wish_id, "service": "case",
            "payload": {}} in app_events  # fmt: skip
    assert all(e["type"].startswith("wish.") and e["payload"] == {} for e in app_events)
    assert error_codes(gql(world.stack, FEED, {}, bearer(settings, "app_client", scopes=["wishes:read"]))) == [
        "FORBIDDEN"
    ]
