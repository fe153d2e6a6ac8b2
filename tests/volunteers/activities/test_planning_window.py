"""An activity's times lie in the planning window: ahead within the horizon, or ended at most
30 days ago for the late entry of a paper sign-in sheet (issue 17)."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from services.common.clock import clock
from services.volunteers.activities.schemas import LATE_ENTRY_WINDOW
from services.volunteers.signups.service import RECORDING_WINDOW
from tests.volunteers.activities.test_endpoints import activity_body
from tests.volunteers.conftest import Station


def _times(starts: datetime, hours: float = 3) -> dict[str, str]:
    return {"starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=hours)).isoformat()}


class TestPlanningWindow:
    async def test_an_activity_in_2001_is_refused(self, client: httpx.AsyncClient, station: Station) -> None:
        body = activity_body(station, **_times(datetime(2001, 5, 1, 1, tzinfo=UTC)))
        response = await client.post("/v1/activities", json=body, headers=station.headers)
        assert response.status_code == 422
        assert "30" in response.text

    async def test_one_ended_31_days_ago_is_refused(self, client: httpx.AsyncClient, station: Station) -> None:
        body = activity_body(station, **_times(clock.now() - timedelta(days=31, hours=4)))
        response = await client.post("/v1/activities", json=body, headers=station.headers)
        assert response.status_code == 422

    async def test_one_ended_29_days_ago_is_entered_late(self, client: httpx.AsyncClient, station: Station) -> None:
        body = activity_body(station, **_times(clock.now() - timedelta(days=29)))
        response = await client.post("/v1/activities", json=body, headers=station.headers)
        assert response.status_code == 201, response.text

    async def test_beyond_the_horizon_is_refused(self, client: httpx.AsyncClient, station: Station) -> None:
        body = activity_body(station, **_times(datetime(2099, 5, 1, 1, tzinfo=UTC)))
        response = await client.post("/v1/activities", json=body, headers=station.headers)
        assert response.status_code == 422

    @pytest.mark.parametrize("days", [32, 400])
    async def test_one_lasting_more_than_31_days_is_refused(
        self, client: httpx.AsyncClient, station: Station, days: int
    ) -> None:
        body = activity_body(station, **_times(clock.now() + timedelta(days=1), hours=24 * days))
        response = await client.post("/v1/activities", json=body, headers=station.headers)
        assert response.status_code == 422


def test_the_late_entry_window_is_the_sign_in_sheets_window() -> None:
    assert LATE_ENTRY_WINDOW == RECORDING_WINDOW
