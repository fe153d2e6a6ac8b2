"""The volunteers app on the test's rolled-back transaction, and an httpx client for it."""

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from fastapi import FastAPI

from services.common.database import Database
from services.common.settings import Settings
from services.volunteers.app import create_app
from tests.support.auth import bearer


@pytest.fixture
def app(settings: Settings, rolled_back_db: Database) -> FastAPI:
    return create_app(settings, rolled_back_db)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


@dataclass(frozen=True)
class Station:
    """A station's id and region, and the bearer headers of its staff."""

    platform_id: uuid.UUID
    region: str
    headers: dict[str, str]


def make_station(settings: Settings, region: str = "150781001") -> Station:
    platform_id = uuid.uuid4()
    return Station(
        platform_id,
        region,
        bearer(settings, "station_staff", platform_id=platform_id, subject=f"staff-{platform_id}"),
    )


@pytest.fixture
def station(settings: Settings) -> Station:
    return make_station(settings)


@pytest.fixture
def other_station(settings: Settings) -> Station:
    return make_station(settings, region="430102001")


def volunteer_headers(settings: Settings, volunteer_id: uuid.UUID) -> dict[str, str]:
    return bearer(settings, "volunteer", volunteer_id=volunteer_id, subject=f"volunteer-{volunteer_id}")
