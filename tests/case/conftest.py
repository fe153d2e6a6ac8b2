from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from services.case.app import create_app
from services.common.database import Database
from services.common.settings import Settings


@pytest.fixture
async def client(settings: Settings, rolled_back_db: Database) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, rolled_back_db)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://case") as client:
        yield client


@pytest.fixture
async def session(rolled_back_db: Database) -> AsyncIterator[AsyncSession]:
    """A session in the test's transaction, for factories and for asserting on the database."""
    async with rolled_back_db.sessions() as session:
        yield session
