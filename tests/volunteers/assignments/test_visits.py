"""Care assignments: address visibility, visit logs, hours per visit, wellbeing flags."""

import uuid
from datetime import date, timedelta

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.common.database import Database
from services.common.settings import Settings
from services.volunteers.models import CareAssignment, HoursEntry, OutboxEvent
from tests.volunteers.conftest import Station, volunteer_headers
from tests.volunteers.factories import in_days, make_activity, make_volunteer

ADDRESS = "满洲里市北区三道街12号3单元"


def assignment_body(station: Station, volunteer_id: uuid.UUID, **overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "volunteer_id": str(volunteer_id),
        "need_id": str(uuid.uuid4()),
        "platform_id": str(station.platform_id),
        "region": station.region,
        "schedule": {"frequency": "weekly", "weekday": 2, "start": "15:00", "duration_minutes": 60},
        "starts_on": (date.today() - timedelta(days=7)).isoformat(),
        "visit_address": ADDRESS,
    }
    body.update(overrides)
    return body


class TestAddressVisibility:
    async def test_address_is_encrypted_and_shown_only_while_assigned(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        station: Station,
        rolled_back_db: Database,
        connection: AsyncConnection,
    ) -> None:
        volunteer = await make_volunteer(rolled_back_db, settings, platform_id=station.platform_id)
        created = await client.post(
            "/v1/assignments", json=assignment_body(station, volunteer.id), headers=station.headers
        )
        assert created.status_code == 201 and created.json()["visit_address"] == ADDRESS
        assignment_id = created.json()["id"]
        stored = await connection.scalar(
            select(CareAssignment.address_encrypted).where(CareAssignment.id == uuid.UUID(assignment_id))
        )
        assert stored and ADDRESS not in stored

        url = f"/v1/assignments/{assignment_id}"
        mine = volunteer_headers(settings, volunteer.id)
        assert (await client.get(url, headers=mine)).json()["visit_address"] == ADDRESS
        assert (await client.post(f"{url}/end", headers=station.headers)).status_code == 200
        after = (await client.get(url, headers=mine)).json()
        assert after["address_masked"] is True and after["visit_address"] == "满洲里市北区****"
        assert (await client.get(url, headers=station.headers)).json()["visit_address"] == ADDRESS

    async def test_other_volunteers_and_stations_get_404(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        station: Station,
        other_station: Station,
        rolled_back_db: Database,
    ) -> None:
        volunteer = await make_volunteer(rolled_back_db, settings, platform_id=station.platform_id)
        stranger = await make_volunteer(rolled_back_db, settings, platform_id=station.platform_id)
        created = (
            await client.post("/v1/assignments", json=assignment_body(station, volunteer.id), headers=station.headers)
        ).json()
        for headers in (volunteer_headers(settings, stranger.id), other_station.headers):
            assert (await client.get(f"/v1/assignments/{created['id']}", headers=headers)).status_code == 404

    async def test_schedule_clashing_with_an_activity_is_refused(
        self, client: httpx.AsyncClient, settings: Settings, station: Station, rolled_back_db: Database
    ) -> None:
        volunteer = await make_volunteer(rolled_back_db, settings, platform_id=station.platform_id)
        starts = in_days(3, hour=7)  # 15:00 China time
        activity = await make_activity(rolled_back_db, platform_id=station.platform_id, starts_at=starts)
        await client.post(
            f"/v1/activities/{activity.id}/signups", json={}, headers=volunteer_headers(settings, volunteer.id)
        )
        schedule = {"frequency": "weekly", "weekday": starts.isoweekday(), "start": "16:00", "duration_minutes": 60}
        response = await client.post(
            "/v1/assignments", json=assignment_body(station, volunteer.id, schedule=schedule), headers=station.headers
        )
        assert response.status_code == 409 and response.json()["code"] == "OVERLAPPING_COMMITMENT"


class TestVisits:
    async def _assignment(self, client: httpx.AsyncClient, station: Station, volunteer_id: uuid.UUID) -> str:
        response = await client.post(
            "/v1/assignments", json=assignment_body(station, volunteer_id), headers=station.headers
        )
        return response.json()["id"]

    async def test_approved_done_visit_adds_hours_and_missed_visit_adds_none(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        station: Station,
        rolled_back_db: Database,
        connection: AsyncConnection,
    ) -> None:
        volunteer = await make_volunteer(rolled_back_db, settings, platform_id=station.platform_id)
        assignment_id = await self._assignment(client, station, volunteer.id)
        mine = volunteer_headers(settings, volunteer.id)
        visited = in_days(-1).isoformat()
        done = await client.post(
            f"/v1/assignments/{assignment_id}/visits",
            json={"visited_at": visited, "outcome": "done", "notes": "聊天一小时"},
            headers=mine,
        )
        assert done.status_code == 201 and done.json()["minutes"] == 60
        missed = await client.post(
            f"/v1/assignments/{assignment_id}/visits",
            json={"visited_at": visited, "outcome": "missed", "minutes": 45},
            headers=mine,
        )
        assert missed.status_code == 201 and missed.json()["minutes"] == 0
        assert (missed.json()["hours_state"], done.json()["hours_state"]) == ("none", "pending")
        approve = f"/v1/visits/{done.json()['id']}/approve-hours"
        assert (await client.post(approve, headers=station.headers)).status_code == 200
        assert (
            await client.post(f"/v1/visits/{missed.json()['id']}/approve-hours", headers=station.headers)
        ).status_code == 409
        entries = await connection.scalars(select(HoursEntry.minutes).where(HoursEntry.volunteer_id == volunteer.id))
        assert list(entries) == [60]
        summary = (await client.get(f"/v1/volunteers/{volunteer.id}/hours", headers=mine)).json()
        assert summary["minutes_by_kind"] == {"care_visit": 60}

    async def test_wellbeing_flags_reach_the_station(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        station: Station,
        rolled_back_db: Database,
        connection: AsyncConnection,
    ) -> None:
        volunteer = await make_volunteer(rolled_back_db, settings, platform_id=station.platform_id)
        assignment_id = await self._assignment(client, station, volunteer.id)
        response = await client.post(
            f"/v1/assignments/{assignment_id}/visits",
            json={
                "visited_at": (in_days(0) - timedelta(hours=1)).isoformat(),
                "outcome": "done",
                "wellbeing_flags": ["fall_or_injury", "low_mood"],
            },
            headers=volunteer_headers(settings, volunteer.id),
        )
        assert response.status_code == 201
        flagged = (await client.get("/v1/visits?flagged=true", headers=station.headers)).json()["items"]
        assert [v["wellbeing_flags"] for v in flagged] == [["fall_or_injury", "low_mood"]]
        events = await connection.scalars(
            select(OutboxEvent.event_type).where(OutboxEvent.aggregate_id == uuid.UUID(response.json()["id"]))
        )
        assert sorted(events) == ["visit.flagged", "visit.logged"]

    async def test_bad_visits_are_refused(
        self, client: httpx.AsyncClient, settings: Settings, station: Station, rolled_back_db: Database
    ) -> None:
        volunteer = await make_volunteer(rolled_back_db, settings, platform_id=station.platform_id)
        assignment_id = await self._assignment(client, station, volunteer.id)
        url = f"/v1/assignments/{assignment_id}/visits"
        mine = volunteer_headers(settings, volunteer.id)
        for body in (
            {"visited_at": in_days(-1).isoformat(), "outcome": "maybe"},
            {"visited_at": in_days(-1).isoformat(), "outcome": "done", "wellbeing_flags": ["sad?"]},
            {"outcome": "done"},
        ):
            assert (await client.post(url, json=body, headers=mine)).status_code == 422
        await client.post(f"/v1/assignments/{assignment_id}/end", headers=station.headers)
        late = await client.post(url, json={"visited_at": in_days(-1).isoformat(), "outcome": "done"}, headers=mine)
        assert late.status_code == 409
