"""Schemathesis over the case service's OpenAPI, as a station worker with a real platform tree."""

from collections.abc import Iterator

import pytest
from schemathesis import GenerationMode

from services.case.app import create_app
from services.common.database import Database
from services.common.settings import Settings
from tests.case.factories import make_tree
from tests.support.auth import bearer
from tests.support.openapi_fuzz import live_server, server_errors


@pytest.fixture
async def station_headers(settings: Settings, committed_db: Database) -> dict[str, str]:
    async with committed_db.sessions() as session:
        tree = await make_tree(session)
        await session.commit()
    return bearer(settings, "station_staff", platform_id=tree["station"].id, region="150781", scopes=["events:read"])


@pytest.fixture
def live_url(settings: Settings, committed_db: Database) -> Iterator[str]:
    with live_server(create_app(settings.model_copy(update={"db_pool_size": 4, "db_max_overflow": 2}))) as url:
        yield url


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_server_errors(
    settings: Settings, station_headers: dict[str, str], live_url: str, mode: GenerationMode
) -> None:
    assert server_errors(lambda: create_app(settings), live_url, station_headers, mode, examples_per_operation=10) == []
