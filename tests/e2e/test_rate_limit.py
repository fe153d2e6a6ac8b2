"""The anonymous feed over real HTTP, on a second gateway with a small limit: 429 with Retry-After."""

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from tests.e2e.world import World
from tests.support.auth import bearer
from tests.support.stack import free_port
from wushe_cli.stack import Ports, Stack

LIMIT = 5
FEED = {"query": "{ publicWishes(first: 20) { nodes { id display } } }"}


@pytest.fixture(scope="module")
def limited(world: World, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A gateway of its own in front of the suite's services, allowing LIMIT anonymous reads a minute."""
    services = world.stack.ports
    ports = Ports(free_port(), services.case, services.resources, services.volunteers)
    gateway = Stack(host=world.stack.host, ports=ports, database_url=world.stack.database_url)
    env = {"WUSHE_ENVIRONMENT": "test", "WUSHE_GRAPHQL_RATE_LIMIT_ANONYMOUS": f"{LIMIT}/minute"}
    gateway.start_process("gateway", tmp_path_factory.mktemp("limited-gateway"), env)
    try:
        gateway.wait_ready(60)
        yield gateway.url("gateway")
    finally:
        gateway.stop_process("gateway")


def test_concurrent_anonymous_reads_above_the_limit_get_429(limited: str, world: World) -> None:
    async def read_feed() -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=limited, timeout=30) as client:
            return list(await asyncio.gather(*(client.post("/graphql", json=FEED) for _ in range(LIMIT + 3))))

    responses = asyncio.run(read_feed())
    answered = [r for r in responses if r.status_code == 200]
    refused = [r for r in responses if r.status_code == 429]
    assert (len(answered), len(refused)) == (LIMIT, 3)
    assert all(r.json()["data"]["publicWishes"] is not None for r in answered)
    for response in refused:
        assert response.json()["code"] == "RATE_LIMITED"
        assert 1 <= int(response.headers["retry-after"]) <= 60
        assert response.headers["ratelimit-policy"] == f'"anonymous";q={LIMIT};w=60'
    app = bearer(world.settings, "app_client", subject="limited-feed-app", scopes=["wishes:read"])
    assert httpx.post(f"{limited}/graphql", json=FEED, headers=app, timeout=30).status_code == 200
