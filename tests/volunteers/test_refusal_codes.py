"""Refusals a client acts on differently carry their own codes (issue 18), with the status they had;
the batch reads behind the gateway's `node()` answer only what the caller may read; the hours
summary counts the minutes still awaiting approval."""

import httpx
from sqlalchemy import update

from services.common.database import Database
from services.common.settings import Settings
from services.volunteers.models import Volunteer
from tests.volunteers.conftest import Station
from tests.volunteers.factories import in_days, make_activity, make_assignment, make_volunteer


class TestRefusalCodes:
    async def test_sign_up_refusals(
        self, client: httpx.AsyncClient, settings: Settings, station: Station, rolled_back_db: Database
    ) -> None:
        volunteer = await make_volunteer(rolled_back_db, settings, platform_id=station.platform_id)
        unskilled = await make_volunteer(rolled_back_db, settings, platform_id=station.platform_id, skills=())
        activity = await make_activity(rolled_back_db, platform_id=station.platform_id, required_skills=["haircut"])
        path = f"/v1/activities/{activity.id}/signups"
        lacking = await client.post(path, json={"volunteer_id": str(unskilled.id)}, headers=station.headers)
        assert (lacking.status_code, lacking.json()["code"]) == (409, "MISSING_SKILLS")
        assert lacking.json()["missing_skills"] == ["haircut"]

        open_one = await make_activity(rolled_back_db, platform_id=station.platform_id, starts_at=in_days(5))
        path = f"/v1/activities/{open_one.id}/signups"
        body = {"volunteer_id": str(volunteer.id)}
        assert (await client.post(path, json=body, headers=station.headers)).status_code == 201
        twice = await client.post(path, json=body, headers=station.headers)
        assert (twice.status_code, twice.json()["code"]) == (409, "ALREADY_SIGNED_UP")
        async with rolled_back_db.sessions() as session:
            await session.execute(update(Volunteer).where(Volunteer.id == unskilled.id).values(verification="rejected"))
            await session.commit()
        rejected = await client.post(path, json={"volunteer_id": str(unskilled.id)}, headers=station.headers)
        assert (rejected.status_code, rejected.json()["code"]) == (409, "VOLUNTEER_REJECTED")

    async def test_attendance_and_hours_refusals(
        self, client: httpx.AsyncClient, settings: Settings, station: Station, rolled_back_db: Database
    ) -> None:
        volunteer = await make_volunteer(rolled_back_db, settings, platform_id=station.platform_id)
        later = await make_activity(rolled_back_db, platform_id=station.platform_id, starts_at=in_days(4))
        signed = await client.post(
            f"/v1/activities/{later.id}/signups", json={"volunteer_id": str(volunteer.id)}, headers=station.headers
        )
        signup = signed.json()["id"]
        early = await client.post(f"/v1/signups/{signup}/check-in", json={}, headers=station.headers)
        assert (early.status_code, early.json()["code"]) == (409, "ATTENDANCE_WINDOW_CLOSED")
        out = await client.post(f"/v1/signups/{signup}/check-out", json={}, headers=station.headers)
        assert (out.status_code, out.json()["code"]) == (409, "NOT_CHECKED_IN")
        approve = await client.post(f"/v1/signups/{signup}/approve-hours", headers=station.headers)
        assert (approve.status_code, approve.json()["code"]) == (409, "NO_PENDING_HOURS")

        batch = await client.get("/v1/signups:batch", params={"ids": signup}, headers=station.headers)
        assert [s["id"] for s in batch.json()["items"]] == [signup]
        waiting = await client.get(
            f"/v1/activities/{later.id}/signups", params={"status": "waiting"}, headers=station.headers
        )
        assert waiting.json()["items"] == []

    async def test_ended_assignment_and_batches_in_scope(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        station: Station,
        other_station: Station,
        rolled_back_db: Database,
    ) -> None:
        volunteer = await make_volunteer(rolled_back_db, settings, platform_id=station.platform_id)
        assignment = await make_assignment(
            rolled_back_db, settings, volunteer=volunteer, platform_id=station.platform_id, state="ended"
        )
        ended = await client.post(f"/v1/assignments/{assignment.id}/end", headers=station.headers)
        assert (ended.status_code, ended.json()["code"]) == (409, "ASSIGNMENT_ENDED")
        for resource in ("assignments", "visits", "signups", "hours/entries", "hours/correction-requests"):
            other = await client.get(
                f"/v1/{resource}:batch", params={"ids": str(assignment.id)}, headers=other_station.headers
            )
            assert other.status_code == 200 and other.json()["items"] == [], resource

        summary = await client.get(f"/v1/volunteers/{volunteer.id}/hours", headers=station.headers)
        assert summary.json()["pending_minutes"] == 0
