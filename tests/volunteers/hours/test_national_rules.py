"""Hours by the national rules (谁组织谁记录, issue 17): nothing recorded in the future or outside the
assignment's or activity's window, care-visit minutes approved like activity minutes, an activity
completed only once it has ended, and a volunteer's correction requests kept and decided by the organiser."""

import uuid
from datetime import UTC, date, datetime, timedelta

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.common.clock import clock
from services.common.database import Database
from services.common.settings import Settings
from services.volunteers.models import HoursEntry
from tests.support.auth import bearer
from tests.volunteers.conftest import Station
from tests.volunteers.conftest import volunteer_headers as _volunteer_headers
from tests.volunteers.factories import make_activity, make_volunteer

# A Wednesday afternoon in Beijing (14:00): nothing here depends on the day the suite runs.
NOW = datetime(2026, 11, 18, 6, 0, tzinfo=UTC)
SCHEDULE = {"frequency": "weekly", "weekday": 2, "start": "15:00", "duration_minutes": 60}


def staff(station: Station, settings: Settings) -> dict[str, str]:
    """The station's staff token, minted on the (frozen) clock the request is judged by."""
    return bearer(settings, "station_staff", platform_id=station.platform_id, subject=f"staff-{station.platform_id}")


def volunteer_headers(settings: Settings, volunteer_id: uuid.UUID) -> dict[str, str]:
    return _volunteer_headers(settings, volunteer_id)


async def _assignment(
    settings: Settings,
    client: httpx.AsyncClient,
    station: Station,
    volunteer_id: uuid.UUID,
    starts_on: date,
    ends_on: date | None = None,
) -> str:
    body = {
        "volunteer_id": str(volunteer_id),
        "need_id": str(uuid.uuid4()),
        "platform_id": str(station.platform_id),
        "region": station.region,
        "schedule": SCHEDULE,
        "starts_on": starts_on.isoformat(),
        "ends_on": ends_on.isoformat() if ends_on else None,
        "visit_address": "满洲里市北区三道街12号",
    }
    response = await client.post("/v1/assignments", json=body, headers=staff(station, settings))
    assert response.status_code == 201, response.json()
    return str(response.json()["id"])


async def _ledger(connection: AsyncConnection, volunteer_id: uuid.UUID) -> list[tuple[str, int]]:
    rows = await connection.execute(
        select(HoursEntry.kind, HoursEntry.minutes).where(HoursEntry.volunteer_id == volunteer_id)
    )
    return sorted((kind, minutes) for kind, minutes in rows)


class TestCareVisits:
    async def test_a_visit_in_the_future_or_outside_the_assignment_is_refused(
        self, client: httpx.AsyncClient, settings: Settings, station: Station, rolled_back_db: Database
    ) -> None:
        volunteer = await make_volunteer(rolled_back_db, settings, platform_id=station.platform_id)
        with clock.frozen(NOW):
            mine = volunteer_headers(settings, volunteer.id)
            assignment = await _assignment(
                settings, client, station, volunteer.id, date(2026, 11, 10), date(2026, 11, 30)
            )
            url = f"/v1/assignments/{assignment}/visits"
            for visited_at in (
                NOW + timedelta(hours=2),  # this evening: has not happened
                datetime(2026, 11, 9, 7, 0, tzinfo=UTC),  # the day before the assignment started
                datetime(2026, 11, 9, 15, 30, tzinfo=UTC),  # 23:30 UTC, still the 9th in Beijing
            ):
                refused = await client.post(
                    url, json={"visited_at": visited_at.isoformat(), "outcome": "done"}, headers=mine
                )
                assert refused.status_code in (400, 422), (visited_at, refused.json())
            first_day = datetime(2026, 11, 9, 16, 30, tzinfo=UTC)  # 00:30 on the 10th in Beijing
            accepted = await client.post(
                url, json={"visited_at": first_day.isoformat(), "outcome": "done"}, headers=mine
            )
            assert accepted.status_code == 201, accepted.json()

    async def test_a_done_visit_waits_for_the_organisers_approval(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        station: Station,
        rolled_back_db: Database,
        connection: AsyncConnection,
    ) -> None:
        volunteer = await make_volunteer(rolled_back_db, settings, platform_id=station.platform_id)
        with clock.frozen(NOW):
            mine = volunteer_headers(settings, volunteer.id)
            assignment = await _assignment(settings, client, station, volunteer.id, date(2026, 11, 1))
            visited = (NOW - timedelta(days=1)).isoformat()
            done = await client.post(
                f"/v1/assignments/{assignment}/visits", json={"visited_at": visited, "outcome": "done"}, headers=mine
            )
            assert done.status_code == 201 and done.json()["hours_state"] == "pending"
            assert await _ledger(connection, volunteer.id) == []
            url = f"/v1/visits/{done.json()['id']}/approve-hours"
            assert (await client.post(url, headers=mine)).status_code == 403
            approved = await client.post(url, headers=staff(station, settings))
            assert approved.status_code == 200 and approved.json()["hours_state"] == "approved"
            assert (await client.post(url, headers=staff(station, settings))).status_code == 409
        assert await _ledger(connection, volunteer.id) == [("care_visit", 60)]


class TestActivities:
    async def test_check_out_in_the_future_or_long_after_the_end_is_refused(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        station: Station,
        rolled_back_db: Database,
        connection: AsyncConnection,
    ) -> None:
        volunteer = await make_volunteer(rolled_back_db, settings, platform_id=station.platform_id)
        starts = NOW - timedelta(hours=1)  # under way: 13:00 to 15:00 Beijing time
        activity = await make_activity(rolled_back_db, platform_id=station.platform_id, starts_at=starts, hours=2)
        with clock.frozen(NOW):
            signup = await client.post(
                f"/v1/activities/{activity.id}/signups", json={}, headers=volunteer_headers(settings, volunteer.id)
            )
            url = f"/v1/signups/{signup.json()['id']}"
            checked_in = await client.post(
                f"{url}/check-in", json={"at": starts.isoformat()}, headers=staff(station, settings)
            )
            assert checked_in.status_code == 200, checked_in.json()
            future = await client.post(
                f"{url}/check-out",
                json={"at": (NOW + timedelta(hours=1)).isoformat()},
                headers=staff(station, settings),
            )
            assert future.status_code == 422, future.json()
        with clock.frozen(NOW + timedelta(days=2)):
            late = await client.post(
                f"{url}/check-out", json={"at": (NOW + timedelta(days=1)).isoformat()}, headers=staff(station, settings)
            )
            assert late.status_code == 409, late.json()
            on_time = await client.post(
                f"{url}/check-out", json={"at": activity.ends_at.isoformat()}, headers=staff(station, settings)
            )
            assert on_time.status_code == 200 and on_time.json()["minutes"] == 120
        assert await _ledger(connection, volunteer.id) == []

    async def test_an_activity_is_completed_only_once_it_has_ended(
        self, client: httpx.AsyncClient, settings: Settings, station: Station, rolled_back_db: Database
    ) -> None:
        activity = await make_activity(
            rolled_back_db, platform_id=station.platform_id, starts_at=NOW - timedelta(hours=1), hours=2
        )
        body = {"beneficiaries": 12, "social_worker_participants": 2, "donor_participants": 0}
        url = f"/v1/activities/{activity.id}/complete"
        with clock.frozen(NOW):
            early = await client.post(url, json=body, headers=staff(station, settings))
            assert early.status_code == 409, early.json()
        with clock.frozen(activity.ends_at):
            assert (await client.post(url, json=body, headers=staff(station, settings))).status_code == 200

    async def test_the_organiser_enters_the_sheet_after_the_end_and_volunteers_may_not(
        self, client: httpx.AsyncClient, settings: Settings, station: Station, rolled_back_db: Database
    ) -> None:
        volunteer = await make_volunteer(rolled_back_db, settings, platform_id=station.platform_id)
        activity = await make_activity(
            rolled_back_db, platform_id=station.platform_id, starts_at=NOW - timedelta(hours=5), hours=2
        )
        url = f"/v1/activities/{activity.id}/signups"
        with clock.frozen(NOW):
            mine = await client.post(url, json={}, headers=volunteer_headers(settings, volunteer.id))
            assert mine.status_code == 409
            entered = await client.post(url, json={"volunteer_id": str(volunteer.id)}, headers=staff(station, settings))
            assert entered.status_code == 201, entered.json()


class TestCorrectionRequests:
    async def test_a_request_is_kept_and_only_the_organisers_approval_changes_the_ledger(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        station: Station,
        other_station: Station,
        rolled_back_db: Database,
        connection: AsyncConnection,
    ) -> None:
        volunteer = await make_volunteer(rolled_back_db, settings, platform_id=station.platform_id)
        stranger = await make_volunteer(rolled_back_db, settings, platform_id=station.platform_id)
        mine = volunteer_headers(settings, volunteer.id)
        url = f"/v1/volunteers/{volunteer.id}/hours/correction-requests"
        asked = await client.post(url, json={"minutes": 45, "reason": "签退时忘记扫码，实际服务到17:00"}, headers=mine)
        assert asked.status_code == 201 and asked.json()["state"] == "requested", asked.json()
        second = await client.post(url, json={"minutes": 30, "reason": "重复申请"}, headers=mine)
        assert await _ledger(connection, volunteer.id) == []
        assert (await client.get(url, headers=volunteer_headers(settings, stranger.id))).status_code == 404
        assert [r["minutes"] for r in (await client.get(url, headers=staff(station, settings))).json()["items"]] == [
            30,
            45,
        ]

        decide = "/v1/hours/correction-requests/{}/{}"
        first_id, second_id = asked.json()["id"], second.json()["id"]
        assert (await client.post(decide.format(first_id, "approve"), json={}, headers=mine)).status_code == 403
        assert (
            await client.post(decide.format(first_id, "approve"), json={}, headers=staff(other_station, settings))
        ).status_code == 404
        approved = await client.post(decide.format(first_id, "approve"), json={}, headers=staff(station, settings))
        assert approved.status_code == 200 and approved.json()["hours_entry_id"], approved.json()
        no_reason = await client.post(decide.format(second_id, "refuse"), json={}, headers=staff(station, settings))
        assert no_reason.status_code == 409
        refused = await client.post(
            decide.format(second_id, "refuse"), json={"note": "与上一申请重复"}, headers=staff(station, settings)
        )
        assert refused.status_code == 200 and refused.json()["state"] == "refused"
        again = await client.post(
            decide.format(first_id, "refuse"), json={"note": "x"}, headers=staff(station, settings)
        )
        assert again.status_code == 409
        assert await _ledger(connection, volunteer.id) == [("correction", 45)]
        summary = (await client.get(f"/v1/volunteers/{volunteer.id}/hours", headers=mine)).json()
        assert summary["total_minutes"] == 45
