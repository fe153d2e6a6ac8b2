"""A bad team name is a 422 naming the field, and writes nothing."""

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.volunteers.models import AuditEntry, Team
from tests.support.validation import UNSTORABLE, assert_refused, send_json
from tests.volunteers.conftest import Station


async def written(connection: AsyncConnection) -> tuple[int, int]:
    teams = await connection.scalar(select(func.count()).select_from(Team))
    audits = await connection.scalar(select(func.count()).select_from(AuditEntry))
    return int(teams or 0), int(audits or 0)


class TestTeam:
    @pytest.mark.parametrize("text", UNSTORABLE)
    async def test_an_unstorable_name_is_refused(
        self, client: httpx.AsyncClient, station: Station, connection: AsyncConnection, text: str
    ) -> None:
        before = await written(connection)
        body = {"name": text, "platform_id": str(station.platform_id), "region": station.region}
        response = await send_json(client, "POST", "/v1/teams", body, station.headers)
        assert_refused(response, "body", "name")
        assert await written(connection) == before
