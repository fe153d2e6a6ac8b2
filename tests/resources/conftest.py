"""The resources app on the test's rolled-back transaction, and an HTTP client for it."""

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from services.common.database import Database
from services.common.settings import Settings
from services.resources.app import create_app


@pytest.fixture
def app(settings: Settings, rolled_back_db: Database) -> FastAPI:
    return create_app(settings, rolled_back_db)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


@pytest.fixture
async def committed_client(settings: Settings, committed_db: Database) -> AsyncIterator[httpx.AsyncClient]:
    """A client on an app whose requests commit for real on pooled connections."""
    transport = httpx.ASGITransport(app=create_app(settings, committed_db))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client
