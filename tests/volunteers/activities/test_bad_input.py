"""Bad activity text is a 422 naming the field, and writes nothing."""

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.volunteers.models import Activity, AuditEntry, Team
from tests.support.validation import UNSTORABLE, assert_refused, send_json
from tests.volunteers.activities.test_endpoints import activity_body
from tests.volunteers.conftest import Station


async def written(connection: AsyncConnection) -> tuple[int, ...]:
    models = (Activity, Team, AuditEntry)
    return tuple([int(await connection.scalar(select(func.count()).select_from(m)) or 0) for m in models])


class TestActivity:
    @pytest.mark.parametrize("text", UNSTORABLE)
    @pytest.mark.parametrize("field", ["title", "place"])
    async def test_unstorable_text_is_refused(
        self, client: httpx.AsyncClient, station: Station, connection: AsyncConnection, field: str, text: str
    ) -> None:
        before = await written(connection)
        response = await send_json(
            client, "POST", "/v1/activities", activity_body(station, **{field: text}), station.headers
        )
        assert_refused(response, "body", field)
        assert await written(connection) == before

    @pytest.mark.parametrize(
        ("loc", "override"), [(("state",), {"state": "completed"}), (("title",), {"title": "活" * 201})]
    )
    async def test_unknown_or_overlong_is_refused(
        self,
        client: httpx.AsyncClient,
        station: Station,
        connection: AsyncConnection,
        loc: tuple[str, ...],
        override: dict[str, object],
    ) -> None:
        before = await written(connection)
        response = await client.post("/v1/activities", json=activity_body(station, **override), headers=station.headers)
        assert_refused(response, "body", *loc)
        assert await written(connection) == before
