"""The public feed's response cache: served from cache while nothing changed, never stale."""

import httpx
import pytest

from gateway.ids import from_global_id
from services.common.settings import Settings
from tests.e2e.test_gateway_case import _new_elder, _publish
from tests.e2e.world import World
from tests.support.auth import bearer

pytestmark = pytest.mark.e2e

FEED = '{ publicWishes(first: 100, filter: {region: "150781"}) { edges { node { id title } } } }'


def _feed(world: World, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.post(f"{world.stack.url('gateway')}/graphql", json={"query": FEED}, headers=headers or {}, timeout=10)


def test_repeat_is_a_cache_hit_and_a_change_is_seen_at_once(world: World) -> None:
    need = _publish(world, _new_elder(world, 60), "一副老花镜")["need"]
    first, second = _feed(world), _feed(world)
    assert second.headers.get("x-feed-cache") == "hit" and second.json() == first.json()
    assert any(e["node"]["title"] == "一副老花镜" for e in second.json()["data"]["publicWishes"]["edges"])
    # The need leaves the feed (here: cancelled at the station); the very next read must not show it.
    need_id = str(from_global_id(need["id"])[1])
    cancelled = httpx.post(
        f"{world.stack.url('case')}/v1/needs/{need_id}/cancel",
        json={"reason": "已由家属解决"},
        headers=world.station(),
        timeout=10,
    )
    assert cancelled.status_code == 200
    after = _feed(world)
    assert after.headers.get("x-feed-cache") != "hit"
    public_ids = {e["node"]["id"] for e in after.json()["data"]["publicWishes"]["edges"]}
    assert all(str(from_global_id(gid)[1]) != need_id for gid in public_ids)


def test_etag_revalidation_answers_304(world: World) -> None:
    _feed(world)
    cached = _feed(world)
    revalidated = httpx.post(
        f"{world.stack.url('gateway')}/graphql",
        json={"query": FEED},
        headers={"If-None-Match": cached.headers["etag"]},
        timeout=10,
    )
    assert revalidated.status_code == 304 and revalidated.content == b""


def test_cache_does_not_bypass_scopes(world: World, settings: Settings) -> None:
    _feed(world)
    assert _feed(world).headers.get("x-feed-cache") == "hit"
    no_scope = bearer(settings, "app_client", scopes=["offers:read"])
    refused = _feed(world, no_scope)
    assert refused.headers.get("x-feed-cache") != "hit"
    assert refused.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    forged = {"Authorization": "Bearer not-a-token"}
    assert _feed(world, forged).json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
