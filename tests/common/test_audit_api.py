"""`GET /v1/audit` filters: text the database cannot hold is a 422, never a 500."""

from collections.abc import AsyncIterator

import httpx
import pytest

from services.case.app import create_app
from services.common.database import Database
from services.common.settings import Settings
from tests.support.auth import bearer
from tests.support.validation import assert_refused


@pytest.fixture
async def client(settings: Settings, rolled_back_db: Database) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(settings, rolled_back_db), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://case") as client:
        yield client


class TestFilters:
    @pytest.mark.parametrize("name", ["entity_id", "actor", "action"])
    @pytest.mark.parametrize("value", ["a\x00b", "a\x1bb", "x" * 201])
    async def test_unstorable_or_overlong_filter_is_refused(
        self, client: httpx.AsyncClient, settings: Settings, name: str, value: str
    ) -> None:
        response = await client.get(
            "/v1/audit", params={name: value}, headers=bearer(settings, "civil_affairs_admin", region="15")
        )
        assert_refused(response, "query", name)

    async def test_a_plain_filter_works(self, client: httpx.AsyncClient, settings: Settings) -> None:
        response = await client.get(
            "/v1/audit",
            params={"actor": "station-worker"},
            headers=bearer(settings, "civil_affairs_admin", region="15"),
        )
        assert response.status_code == 200 and response.json()["items"] == []
