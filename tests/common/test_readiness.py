"""`/readyz`: ready at head, not ready behind it, still ready when the database is ahead (rolling deploys)."""

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import text

from services.case.app import create_app
from services.common.database import Database
from services.common.migrations import alembic_config, upgrade
from services.common.settings import Settings
from tests.support.database import create_database, drop_database


@pytest.fixture
async def scratch(server_url: str) -> AsyncIterator[str]:
    url = await create_database(server_url, "wushe_ready")
    yield url
    await drop_database(server_url, url)


async def _ready(settings: Settings, url: str) -> tuple[int, dict[str, object]]:
    database = Database.connect(url, pool_size=1, max_overflow=0)
    app = create_app(settings.model_copy(update={"database_url": url}), database)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://case") as client:
        response = await client.get("/readyz")
    await database.dispose()
    return response.status_code, response.json()


async def test_readiness_follows_the_migrations(settings: Settings, scratch: str) -> None:
    from alembic.script import ScriptDirectory

    first = [r.revision for r in ScriptDirectory.from_config(alembic_config("case")).walk_revisions()][-1]
    await asyncio.to_thread(upgrade, "case", scratch, first)
    status, body = await _ready(settings, scratch)
    assert status == 503 and body["reason"] == "migrations not at head"

    await asyncio.to_thread(upgrade, "case", scratch)
    assert (await _ready(settings, scratch))[0] == 200

    database = Database.connect(scratch, pool_size=1, max_overflow=0)
    async with database.engine.begin() as connection:
        await connection.execute(text("UPDATE \"case\".alembic_version SET version_num = 'from_a_newer_release'"))
    await database.dispose()
    status, body = await _ready(settings, scratch)
    assert status == 200 and body["revision"] == "from_a_newer_release"
