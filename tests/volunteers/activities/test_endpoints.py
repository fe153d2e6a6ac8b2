"""Activities: validation, scope, public listing, capacity changes."""

import uuid
from datetime import timedelta

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.common.database import Database
from services.common.settings import Settings
from services.volunteers.models import Activity
from tests.support.auth import bearer
from tests.volunteers.conftest import Station, volunteer_headers
from tests.volunteers.factories import in_days, make_activity, make_volunteer


def activity_body(station: Station, **overrides: object) -> dict[str, object]:
    starts = in_days(3)
    body: dict[str, object] = {
        "title": "重阳节敬老活动",
        "organiser_kind": "platform",
        "platform_id": str(station.platform_id),
        "place": "新开河镇社工站",
        "region": station.region,
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=3)).isoformat(),
        "capacity": 10,
        "required_skills": ["companionship"],
    }
    body.update(overrides)
    return body


class TestCreate:
    async def test_creates_with_utc_times(self, client: httpx.AsyncClient, station: Station) -> None:
        starts = in_days(3).astimezone(__import__("datetime").timezone(timedelta(hours=8)))
        body = activity_body(station, starts_at=starts.isoformat(), ends_at=(starts + timedelta(hours=2)).isoformat())
        response = await client.post("/v1/activities", json=body, headers=station.headers)
        assert response.status_code == 201
        created = response.json()
        assert created["starts_at"].endswith("Z") or created["starts_at"].endswith("+00:00")
        assert (created["state"], created["confirmed_count"]) == ("scheduled", 0)

    async def test_bad_input_gets_4xx_and_writes_nothing(
        self, client: httpx.AsyncClient, station: Station, connection: AsyncConnection
    ) -> None:
        starts = in_days(3)
        bad = [
            activity_body(station, ends_at=(starts - timedelta(hours=1)).isoformat(), starts_at=starts.isoformat()),
            activity_body(station, ends_at=starts.isoformat(), starts_at=starts.isoformat()),
            activity_body(station, capacity=-5),
            activity_body(station, capacity=0),
            activity_body(station, required_skills=["unicycling"]),
            activity_body(station, starts_at="2026-12-01T09:00:00"),  # no offset
            activity_body(station, organiser_kind="platform", platform_id=None),
        ]
        for body in bad:
            response = await client.post("/v1/activities", json=body, headers=station.headers)
            assert 400 <= response.status_code < 500, body
        count = await connection.scalar(
            select(func.count()).select_from(Activity).where(Activity.platform_id == station.platform_id)
        )
        assert count == 0

    async def test_cannot_organise_for_another_platform(
        self, client: httpx.AsyncClient, station: Station, other_station: Station
    ) -> None:
        response = await client.post("/v1/activities", json=activity_body(station), headers=other_station.headers)
        assert response.status_code == 403


class TestScope:
    async def test_private_activity_is_404_outside_scope(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        station: Station,
        other_station: Station,
        rolled_back_db: Database,
    ) -> None:
        activity = await make_activity(rolled_back_db, platform_id=station.platform_id, is_public=False)
        url = f"/v1/activities/{activity.id}"
        assert (await client.get(url, headers=station.headers)).status_code == 200
        for headers in (
            other_station.headers,
            bearer(settings, "app_client", scopes=["wishes:read"]),
            bearer(settings, "civil_affairs_admin", region="43"),
            bearer(settings, "org_staff", org_id=uuid.uuid4()),
        ):
            assert (await client.get(url, headers=headers)).status_code == 404

    async def test_app_client_lists_public_activities_only(
        self, client: httpx.AsyncClient, settings: Settings, station: Station, rolled_back_db: Database
    ) -> None:
        public = await make_activity(rolled_back_db, platform_id=station.platform_id, is_public=True)
        await make_activity(rolled_back_db, platform_id=station.platform_id, is_public=False)
        app = bearer(settings, "app_client", scopes=["wishes:read"])
        listed = (await client.get("/v1/activities", headers=app)).json()["items"]
        assert [item["id"] for item in listed] == [str(public.id)]

    async def test_volunteer_sees_own_station_activities(
        self, client: httpx.AsyncClient, settings: Settings, station: Station, rolled_back_db: Database
    ) -> None:
        volunteer = await make_volunteer(rolled_back_db, settings, platform_id=station.platform_id)
        activity = await make_activity(rolled_back_db, platform_id=station.platform_id)
        response = await client.get(f"/v1/activities/{activity.id}", headers=volunteer_headers(settings, volunteer.id))
        assert response.status_code == 200


class TestChanges:
    async def test_raising_capacity_promotes_the_waiting_list_in_order(
        self, client: httpx.AsyncClient, settings: Settings, station: Station, rolled_back_db: Database
    ) -> None:
        activity = await make_activity(rolled_back_db, platform_id=station.platform_id, capacity=1)
        volunteers = [await make_volunteer(rolled_back_db, settings, platform_id=station.platform_id) for _ in range(3)]
        statuses = []
        for volunteer in volunteers:
            response = await client.post(
                f"/v1/activities/{activity.id}/signups", json={}, headers=volunteer_headers(settings, volunteer.id)
            )
            statuses.append(response.json()["status"])
        assert statuses == ["confirmed", "waiting", "waiting"]
        response = await client.patch(
            f"/v1/activities/{activity.id}", json={"capacity": 2}, headers={**station.headers, "If-Match": '"1"'}
        )
        assert response.status_code == 200 and response.json()["confirmed_count"] == 2
        listed = (await client.get(f"/v1/activities/{activity.id}/signups", headers=station.headers)).json()["items"]
        by_sequence = sorted(listed, key=lambda item: item["sequence"])
        assert [s["status"] for s in by_sequence] == ["confirmed", "confirmed", "waiting"]
        lower = await client.patch(
            f"/v1/activities/{activity.id}", json={"capacity": 1}, headers={**station.headers, "If-Match": '"2"'}
        )
        assert lower.status_code == 409

    async def test_cancelled_activity_refuses_sign_ups(
        self, client: httpx.AsyncClient, settings: Settings, station: Station, rolled_back_db: Database
    ) -> None:
        activity = await make_activity(rolled_back_db, platform_id=station.platform_id)
        volunteer = await make_volunteer(rolled_back_db, settings, platform_id=station.platform_id)
        assert (await client.post(f"/v1/activities/{activity.id}/cancel", headers=station.headers)).status_code == 200
        again = await client.post(f"/v1/activities/{activity.id}/cancel", headers=station.headers)
        assert again.status_code == 409 and again.json()["code"] == "INVALID_TRANSITION"
        response = await client.post(
            f"/v1/activities/{activity.id}/signups", json={}, headers=volunteer_headers(settings, volunteer.id)
        )
        assert response.status_code == 409
