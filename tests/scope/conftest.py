"""A stack of real processes on a database of its own, and the scope matrix's world on it."""

import asyncio
from collections.abc import AsyncIterator, Iterator

import pytest

from services.common.migrations import upgrade_all
from services.common.settings import Settings
from tests.scope.world import World, build_world
from tests.support.database import create_database, drop_database
from tests.support.stack import started_stack
from wushe_cli.stack import Stack

# One token per role sends a few thousand requests a minute from one address.
ENV = {
    "WUSHE_ENVIRONMENT": "test",
    "WUSHE_GRAPHQL_RATE_LIMIT_ANONYMOUS": "100000/minute",
    "WUSHE_GRAPHQL_RATE_LIMIT_APP": "100000/minute",
    "WUSHE_GRAPHQL_RATE_LIMIT_USER": "100000/minute",
}


@pytest.fixture(scope="package")
async def scope_database(server_url: str) -> AsyncIterator[str]:
    url = await create_database(server_url, "wushe_scope")
    await asyncio.to_thread(upgrade_all, url)
    yield url
    await drop_database(server_url, url)


@pytest.fixture(scope="package")
def scope_stack(scope_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with started_stack(scope_database, tmp_path_factory.mktemp("scope-logs"), ENV) as stack:
        yield stack


@pytest.fixture(scope="package")
async def world(scope_stack: Stack, settings: Settings) -> World:
    return await build_world(scope_stack, settings)
