"""Sign-ups under real concurrency: separate connections, real commits, one activity row lock."""

import asyncio
import uuid

import httpx
import pytest
from sqlalchemy import func, select

from services.common.database import Database
from services.common.settings import Settings
from services.volunteers.app import create_app
from services.volunteers.models import Activity, OutboxEvent, SignUp
from tests.support.auth import bearer
from tests.volunteers.conftest import volunteer_headers
from tests.volunteers.factories import make_activity, make_volunteer


@pytest.fixture
async def concurrent_client(settings: Settings, committed_db: Database) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=create_app(settings, committed_db))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def _signups(db: Database, activity_id: uuid.UUID) -> list[SignUp]:
    async with db.sessions() as session:
        statement = select(SignUp).where(SignUp.activity_id == activity_id).order_by(SignUp.sequence)
        return list((await session.scalars(statement)).all())


class TestFiftyConcurrentSignUps:
    async def test_twenty_confirmed_thirty_waiting_in_arrival_order(
        self, settings: Settings, committed_db: Database, concurrent_client: httpx.AsyncClient
    ) -> None:
        platform_id = uuid.uuid4()
        activity = await make_activity(committed_db, platform_id=platform_id, capacity=20)
        volunteers = [await make_volunteer(committed_db, settings, platform_id=platform_id) for _ in range(50)]

        responses = await asyncio.gather(
            *(
                concurrent_client.post(
                    f"/v1/activities/{activity.id}/signups",
                    json={},
                    headers=volunteer_headers(settings, v.id),
                )
                for v in volunteers
            )
        )

        assert [r.status_code for r in responses] == [201] * 50
        rows = await _signups(committed_db, activity.id)
        assert [row.sequence for row in rows] == list(range(1, 51))
        assert [row.status for row in rows] == ["confirmed"] * 20 + ["waiting"] * 30
        assert {row.volunteer_id for row in rows} == {v.id for v in volunteers}
        async with committed_db.sessions() as session:
            stored = await session.get(Activity, activity.id)
            assert stored is not None and stored.confirmed_count == 20
            events = await session.scalar(
                select(func.count()).select_from(OutboxEvent).where(OutboxEvent.event_type == "signup.created")
            )
            assert events == 50

        # Each response told its caller the truth the database holds.
        by_id = {row.id: row for row in rows}
        for response in responses:
            body = response.json()
            assert by_id[uuid.UUID(body["id"])].status == body["status"]

    async def test_concurrent_cancellations_promote_one_each_in_order(
        self, settings: Settings, committed_db: Database, concurrent_client: httpx.AsyncClient
    ) -> None:
        platform_id = uuid.uuid4()
        activity = await make_activity(committed_db, platform_id=platform_id, capacity=3)
        volunteers = [await make_volunteer(committed_db, settings, platform_id=platform_id) for _ in range(8)]
        for volunteer in volunteers:  # sequential: arrival order is the list order
            response = await concurrent_client.post(
                f"/v1/activities/{activity.id}/signups",
                json={},
                headers=volunteer_headers(settings, volunteer.id),
            )
            assert response.status_code == 201
        rows = await _signups(committed_db, activity.id)

        first = rows[0]
        response = await concurrent_client.post(
            f"/v1/signups/{first.id}/cancel",
            headers=volunteer_headers(settings, first.volunteer_id),
        )
        assert response.status_code == 200
        after_one = await _signups(committed_db, activity.id)
        assert [r.status for r in after_one] == [
            "cancelled",
            "confirmed",
            "confirmed",
            "confirmed",
        ] + ["waiting"] * 4

        # Two more confirmed people cancel at the same moment: the next two waiting move up.
        cancelling = after_one[1:3]
        responses = await asyncio.gather(
            *(
                concurrent_client.post(
                    f"/v1/signups/{r.id}/cancel",
                    headers=volunteer_headers(settings, r.volunteer_id),
                )
                for r in cancelling
            )
        )
        assert [r.status_code for r in responses] == [200, 200]
        final = await _signups(committed_db, activity.id)
        assert [r.status for r in final] == [
            "cancelled",
            "cancelled",
            "cancelled",
            "confirmed",
            "confirmed",
            "confirmed",
            "waiting",
            "waiting",
        ]
        async with committed_db.sessions() as session:
            stored = await session.get(Activity, activity.id)
            assert stored is not None and stored.confirmed_count == 3


class TestConcurrentOverlap:
    async def test_one_volunteer_racing_into_two_overlapping_activities_gets_one(
        self, settings: Settings, committed_db: Database, concurrent_client: httpx.AsyncClient
    ) -> None:
        platform_id = uuid.uuid4()
        volunteer = await make_volunteer(committed_db, settings, platform_id=platform_id)
        one = await make_activity(committed_db, platform_id=platform_id)
        other = await make_activity(committed_db, platform_id=platform_id, starts_at=one.starts_at.replace(minute=30))
        staff = bearer(settings, "station_staff", platform_id=platform_id)
        responses = await asyncio.gather(
            *(
                concurrent_client.post(
                    f"/v1/activities/{activity.id}/signups",
                    json={"volunteer_id": str(volunteer.id)},
                    headers=staff,
                )
                for activity in (one, other, one, other)
            )
        )
        assert sorted(r.status_code for r in responses) == [201, 409, 409, 409]
        async with committed_db.sessions() as session:
            live = await session.scalar(
                select(func.count()).select_from(SignUp).where(SignUp.volunteer_id == volunteer.id)
            )
        assert live == 1
