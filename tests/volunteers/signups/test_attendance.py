"""Sign-up rules, check-in/out and the service minutes they produce."""

import uuid
from datetime import timedelta

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.common.clock import beijing_week, clock
from services.common.database import Database
from services.common.settings import Settings
from services.volunteers.models import HoursEntry, SignUp
from tests.volunteers.conftest import Station, volunteer_headers
from tests.volunteers.factories import in_days, make_activity, make_assignment, make_volunteer


async def sign_up(
    client: httpx.AsyncClient, settings: Settings, activity_id: uuid.UUID, volunteer_id: uuid.UUID
) -> httpx.Response:
    return await client.post(
        f"/v1/activities/{activity_id}/signups", json={}, headers=volunteer_headers(settings, volunteer_id)
    )


class TestSignUpRules:
    async def test_overlapping_activities_are_refused(
        self, client: httpx.AsyncClient, settings: Settings, station: Station, rolled_back_db: Database
    ) -> None:
        volunteer = await make_volunteer(rolled_back_db, settings, platform_id=station.platform_id)
        first = await make_activity(rolled_back_db, platform_id=station.platform_id, starts_at=in_days(2, hour=9))
        overlapping = await make_activity(
            rolled_back_db, platform_id=station.platform_id, starts_at=in_days(2, hour=10)
        )
        back_to_back = await make_activity(
            rolled_back_db, platform_id=station.platform_id, starts_at=in_days(2, hour=11)
        )
        assert (await sign_up(client, settings, first.id, volunteer.id)).status_code == 201
        refused = await sign_up(client, settings, overlapping.id, volunteer.id)
        assert refused.status_code == 409 and refused.json()["code"] == "OVERLAPPING_COMMITMENT"
        assert (await sign_up(client, settings, back_to_back.id, volunteer.id)).status_code == 201

    async def test_activity_clashing_with_a_weekly_care_visit_is_refused(
        self, client: httpx.AsyncClient, settings: Settings, station: Station, rolled_back_db: Database
    ) -> None:
        volunteer = await make_volunteer(rolled_back_db, settings, platform_id=station.platform_id)
        starts = in_days(8, hour=7)  # 15:00 China time
        await make_assignment(
            rolled_back_db,
            settings,
            volunteer=volunteer,
            platform_id=station.platform_id,
            weekday=starts.isoweekday(),
            start="15:30",
            duration_minutes=60,
        )
        activity = await make_activity(rolled_back_db, platform_id=station.platform_id, starts_at=starts)
        response = await sign_up(client, settings, activity.id, volunteer.id)
        assert response.status_code == 409 and response.json()["code"] == "OVERLAPPING_COMMITMENT"

    async def test_signing_up_twice_is_a_conflict_and_others_cannot_sign_you_up(
        self, client: httpx.AsyncClient, settings: Settings, station: Station, rolled_back_db: Database
    ) -> None:
        volunteer = await make_volunteer(rolled_back_db, settings, platform_id=station.platform_id)
        other = await make_volunteer(rolled_back_db, settings, platform_id=station.platform_id)
        activity = await make_activity(rolled_back_db, platform_id=station.platform_id)
        assert (await sign_up(client, settings, activity.id, volunteer.id)).status_code == 201
        assert (await sign_up(client, settings, activity.id, volunteer.id)).status_code == 409
        response = await client.post(
            f"/v1/activities/{activity.id}/signups",
            json={"volunteer_id": str(volunteer.id)},
            headers=volunteer_headers(settings, other.id),
        )
        assert response.status_code == 403

    async def test_missing_required_skill_is_refused(
        self, client: httpx.AsyncClient, settings: Settings, station: Station, rolled_back_db: Database
    ) -> None:
        volunteer = await make_volunteer(rolled_back_db, settings, platform_id=station.platform_id, skills=["cooking"])
        activity = await make_activity(rolled_back_db, platform_id=station.platform_id, required_skills=["haircut"])
        assert (await sign_up(client, settings, activity.id, volunteer.id)).status_code == 409


class TestHoursFromAttendance:
    async def _checked_out(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        station: Station,
        rolled_back_db: Database,
        check_in_after: timedelta,
        check_out_after: timedelta,
        hours: float = 2,
    ) -> tuple[dict[str, object], uuid.UUID]:
        volunteer = await make_volunteer(rolled_back_db, settings, platform_id=station.platform_id)
        activity = await make_activity(rolled_back_db, platform_id=station.platform_id, hours=hours)
        signup = (await sign_up(client, settings, activity.id, volunteer.id)).json()
        url = f"/v1/signups/{signup['id']}"
        with clock.shifted(activity.starts_at + check_out_after + timedelta(hours=1)):  # recorded afterwards
            checked_in = await client.post(
                f"{url}/check-in",
                json={"at": (activity.starts_at + check_in_after).isoformat()},
                headers=station.headers,
            )
            assert checked_in.status_code == 200, checked_in.json()
            checked_out = await client.post(
                f"{url}/check-out",
                json={"at": (activity.starts_at + check_out_after).isoformat()},
                headers=station.headers,
            )
        assert checked_out.status_code == 200, checked_out.json()
        return checked_out.json(), volunteer.id

    async def test_minutes_are_the_time_between_check_in_and_out(
        self, client: httpx.AsyncClient, settings: Settings, station: Station, rolled_back_db: Database
    ) -> None:
        signup, _ = await self._checked_out(
            client, settings, station, rolled_back_db, timedelta(minutes=20), timedelta(minutes=95)
        )
        assert (signup["minutes"], signup["hours_state"]) == (75, "pending")

    async def test_minutes_are_capped_at_the_activity_length(
        self, client: httpx.AsyncClient, settings: Settings, station: Station, rolled_back_db: Database
    ) -> None:
        signup, _ = await self._checked_out(
            client, settings, station, rolled_back_db, timedelta(minutes=-50), timedelta(hours=2, minutes=50)
        )
        assert signup["minutes"] == 120

    async def test_approval_writes_one_ledger_entry(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        station: Station,
        rolled_back_db: Database,
        connection: AsyncConnection,
    ) -> None:
        signup, volunteer_id = await self._checked_out(
            client, settings, station, rolled_back_db, timedelta(0), timedelta(minutes=90)
        )
        url = f"/v1/signups/{signup['id']}/approve-hours"
        assert (await client.post(url, headers=volunteer_headers(settings, volunteer_id))).status_code == 403
        approved = await client.post(url, headers=station.headers)
        assert approved.status_code == 200 and approved.json()["hours_state"] == "approved"
        assert (await client.post(url, headers=station.headers)).status_code == 409
        minutes = await connection.scalars(select(HoursEntry.minutes).where(HoursEntry.volunteer_id == volunteer_id))
        assert list(minutes) == [90]
        summary = (await client.get(f"/v1/volunteers/{volunteer_id}/hours", headers=station.headers)).json()
        assert (summary["total_minutes"], summary["total_hours"]) == (90, "1.50")

    async def test_volunteer_cannot_backdate_and_cannot_check_in_early(
        self, client: httpx.AsyncClient, settings: Settings, station: Station, rolled_back_db: Database
    ) -> None:
        volunteer = await make_volunteer(rolled_back_db, settings, platform_id=station.platform_id)
        activity = await make_activity(rolled_back_db, platform_id=station.platform_id)
        signup = (await sign_up(client, settings, activity.id, volunteer.id)).json()
        headers = volunteer_headers(settings, volunteer.id)
        url = f"/v1/signups/{signup['id']}/check-in"
        with clock.shifted(activity.ends_at):
            backdated = await client.post(url, json={"at": activity.starts_at.isoformat()}, headers=headers)
        assert backdated.status_code == 403
        early = await client.post(url, json={}, headers=headers)  # the activity starts tomorrow
        assert early.status_code == 409

    async def test_waiting_sign_up_cannot_check_in(
        self, client: httpx.AsyncClient, settings: Settings, station: Station, rolled_back_db: Database
    ) -> None:
        activity = await make_activity(rolled_back_db, platform_id=station.platform_id, capacity=1)
        first = await make_volunteer(rolled_back_db, settings, platform_id=station.platform_id)
        second = await make_volunteer(rolled_back_db, settings, platform_id=station.platform_id)
        await sign_up(client, settings, activity.id, first.id)
        waiting = (await sign_up(client, settings, activity.id, second.id)).json()
        assert waiting["status"] == "waiting"
        with clock.shifted(activity.ends_at):
            response = await client.post(
                f"/v1/signups/{waiting['id']}/check-in",
                json={"at": activity.starts_at.isoformat()},
                headers=station.headers,
            )
        assert response.status_code == 409

    async def test_a_recorded_time_cannot_be_in_the_future(
        self, client: httpx.AsyncClient, settings: Settings, station: Station, rolled_back_db: Database
    ) -> None:
        volunteer = await make_volunteer(rolled_back_db, settings, platform_id=station.platform_id)
        activity = await make_activity(rolled_back_db, platform_id=station.platform_id)  # tomorrow
        signup = (await sign_up(client, settings, activity.id, volunteer.id)).json()
        response = await client.post(
            f"/v1/signups/{signup['id']}/check-in", json={"at": activity.starts_at.isoformat()}, headers=station.headers
        )
        assert response.status_code == 422 and response.json()["code"] == "VALIDATION_FAILED"
        naive = await client.post(
            f"/v1/signups/{signup['id']}/check-in",
            json={"at": activity.starts_at.replace(tzinfo=None).isoformat()},
            headers=station.headers,
        )
        assert naive.status_code == 422


class TestIdempotentSignUp:
    async def test_retry_with_the_same_key_signs_up_once(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        station: Station,
        rolled_back_db: Database,
        connection: AsyncConnection,
    ) -> None:
        volunteer = await make_volunteer(rolled_back_db, settings, platform_id=station.platform_id)
        activity = await make_activity(rolled_back_db, platform_id=station.platform_id)
        headers = {**volunteer_headers(settings, volunteer.id), "Idempotency-Key": "signup-1"}
        url = f"/v1/activities/{activity.id}/signups"
        first = await client.post(url, json={}, headers=headers)
        second = await client.post(url, json={}, headers=headers)
        assert first.status_code == second.status_code == 201
        assert first.json() == second.json()
        assert second.headers["idempotent-replayed"] == "true"
        count = await connection.scalar(
            select(func.count()).select_from(SignUp).where(SignUp.activity_id == activity.id)
        )
        assert count == 1


class TestWeeklyHours:
    async def test_sign_ups_beyond_the_weekly_maximum_are_refused(
        self, client: httpx.AsyncClient, settings: Settings, station: Station, rolled_back_db: Database
    ) -> None:
        volunteer = await make_volunteer(
            rolled_back_db, settings, platform_id=station.platform_id, max_hours_per_week=3
        )
        monday, _ = beijing_week(in_days(7))
        first = await make_activity(
            rolled_back_db, platform_id=station.platform_id, starts_at=monday + timedelta(hours=10), hours=2
        )
        second = await make_activity(
            rolled_back_db, platform_id=station.platform_id, starts_at=monday + timedelta(days=2, hours=10), hours=1.5
        )
        next_week = await make_activity(
            rolled_back_db, platform_id=station.platform_id, starts_at=monday + timedelta(days=8, hours=10), hours=2
        )
        assert (await sign_up(client, settings, first.id, volunteer.id)).status_code == 201
        refused = await sign_up(client, settings, second.id, volunteer.id)
        assert refused.status_code == 409 and refused.json()["code"] == "WEEKLY_HOURS_EXCEEDED"
        assert refused.json()["booked_minutes"] == 120
        assert (await sign_up(client, settings, next_week.id, volunteer.id)).status_code == 201
