import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from services.common.migrations import upgrade_all
from services.common.settings import Settings
from tests.e2e.world import World, build_world
from tests.support.database import create_database, drop_database
from tests.support.stack import started_stack
from wushe_cli.stack import Stack

# The suite sends hundreds of requests a minute with one token from one address, which the production
# defaults refuse (docs/decisions.md, "Abuse limits"); the limits themselves are tested on apps of their own.
SUITE_RATE_LIMITS = {
    "WUSHE_GRAPHQL_RATE_LIMIT_ANONYMOUS": "100000/minute",
    "WUSHE_GRAPHQL_RATE_LIMIT_APP": "100000/minute",
    "WUSHE_GRAPHQL_RATE_LIMIT_USER": "100000/minute",
}
# The reconcilers look every second and give back a stray hold after 5 s (a minute in production),
# so tests that race or lose answers can wait for the repair.
SUITE_RECONCILER = {"WUSHE_RECONCILE_INTERVAL_S": "1", "WUSHE_RECONCILE_STRAY_AFTER_S": "5"}
# Two pytest-xdist workers share two cores: a service may stall for seconds while the other worker
# seeds a demo or fuzzes an API, and five such calls in a row would open the gateway's breaker and
# fail the next tests' calls at once (the production defaults are 5 s and 5 failures; the timeout
# and the breaker are tested on clients of their own, tests/gateway/test_http_client.py).
SUITE_UPSTREAM = {"WUSHE_UPSTREAM_TIMEOUT_S": "15", "WUSHE_UPSTREAM_BREAKER_FAILURES": "100"}


@pytest.fixture(scope="session")
async def e2e_database_url(server_url: str) -> AsyncIterator[str]:
    """The running stack gets a database of its own: its commits must not show up in other tests."""
    url = await create_database(server_url, "wushe_e2e")
    await asyncio.to_thread(upgrade_all, url)
    yield url
    await drop_database(server_url, url)


@pytest.fixture(scope="session")
def stack(e2e_database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    log_dir: Path = tmp_path_factory.mktemp("stack-logs")
    env = {"WUSHE_ENVIRONMENT": "test", **SUITE_RATE_LIMITS, **SUITE_RECONCILER, **SUITE_UPSTREAM}
    with started_stack(e2e_database_url, log_dir, env) as stack:
        yield stack


@pytest.fixture(scope="session")
def world(stack: Stack, settings: Settings) -> World:
    return build_world(stack, settings)
