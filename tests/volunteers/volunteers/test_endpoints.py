"""Volunteer records: registration, masking, scope, search and optimistic concurrency."""

import uuid

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.common.database import Database
from services.common.settings import Settings
from services.volunteers.models import AuditEntry, OutboxEvent, Volunteer
from tests.support.auth import bearer
from tests.volunteers.conftest import Station, volunteer_headers
from tests.volunteers.factories import make_volunteer, new_id_number


def registration(station: Station, **overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "platform_id": str(station.platform_id),
        "name": "巴特尔",
        "phone": "13912345678",
        "id_number": new_id_number(),
        "skills": ["companionship", "haircut"],
        "languages": ["zh", "mn"],
        "region": station.region,
        "latitude": "49.597841",
        "longitude": "117.378529",
        "availability": [{"weekday": 2, "start": "15:00", "end": "17:00"}],
        "max_hours_per_week": 6,
    }
    body.update(overrides)
    return body


async def count_volunteers(connection: AsyncConnection) -> int:
    return await connection.scalar(select(func.count()).select_from(Volunteer))


class TestRegister:
    async def test_staff_registers_and_sees_unmasked_record(
        self, client: httpx.AsyncClient, station: Station, connection: AsyncConnection
    ) -> None:
        body = registration(station)
        response = await client.post("/v1/volunteers", json=body, headers=station.headers)
        assert response.status_code == 201
        created = response.json()
        assert created["name"] == "巴特尔" and created["id_number"] == body["id_number"]
        assert created["personal_data_masked"] is False
        volunteer_id = uuid.UUID(created["id"])
        encrypted = await connection.scalar(select(Volunteer.id_number_encrypted).where(Volunteer.id == volunteer_id))
        assert encrypted and body["id_number"] not in encrypted
        events = await connection.scalars(
            select(OutboxEvent.event_type).where(OutboxEvent.aggregate_id == volunteer_id)
        )
        assert list(events) == ["volunteer.registered"]

    async def test_duplicate_id_number_is_a_conflict(self, client: httpx.AsyncClient, station: Station) -> None:
        body = registration(station)
        assert (await client.post("/v1/volunteers", json=body, headers=station.headers)).status_code == 201
        again = await client.post("/v1/volunteers", json={**body, "name": "张三"}, headers=station.headers)
        assert again.status_code == 409

    async def test_bad_input_is_refused_and_writes_nothing(
        self, client: httpx.AsyncClient, station: Station, connection: AsyncConnection
    ) -> None:
        before = await count_volunteers(connection)
        bad_bodies = [
            registration(station, skills=["juggling"]),
            registration(station, languages=["klingon"]),
            registration(station, availability=[{"weekday": 2, "start": "17:00", "end": "15:00"}]),
            registration(station, availability=[{"weekday": 8, "start": "15:00", "end": "17:00"}]),
            registration(station, availability=[{"weekday": 2, "start": "25:00", "end": "26:00"}]),
            registration(station, availability=[{"weekday": 2}]),
            registration(station, id_number="150781199001011230"),
            registration(station, phone="12345"),
            registration(station, region="15"),
            registration(station, latitude="91"),
        ]
        for body in bad_bodies:
            response = await client.post("/v1/volunteers", json=body, headers=station.headers)
            assert response.status_code == 422, body
            assert response.headers["content-type"] == "application/problem+json"
        assert await count_volunteers(connection) == before

    async def test_other_platform_staff_may_not_register_here(
        self, client: httpx.AsyncClient, station: Station, other_station: Station
    ) -> None:
        response = await client.post("/v1/volunteers", json=registration(station), headers=other_station.headers)
        assert response.status_code == 403


class TestMaskingAndScope:
    async def test_who_sees_what(
        self, client: httpx.AsyncClient, settings: Settings, station: Station, rolled_back_db: Database
    ) -> None:
        centre_id = uuid.uuid4()  # the station's county centre: its subtree holds the station
        volunteer = await make_volunteer(
            rolled_back_db,
            settings,
            platform_id=station.platform_id,
            platform_path=f"/{centre_id}/{station.platform_id}/",
        )
        url = f"/v1/volunteers/{volunteer.id}"

        own = (await client.get(url, headers=volunteer_headers(settings, volunteer.id))).json()
        assert (own["name"], own["phone"], own["personal_data_masked"]) == ("王小明", "13812345678", False)

        region_staff = bearer(settings, "centre_staff", platform_id=centre_id, region="1507")
        masked = (await client.get(url, headers=region_staff)).json()
        assert (masked["name"], masked["phone"]) == ("王**", "138****5678")
        assert masked["id_number"].startswith("150") and "*" in masked["id_number"]

        admin = (await client.get(url, headers=bearer(settings, "civil_affairs_admin", region="15"))).json()
        assert admin["personal_data_masked"] is True

    async def test_out_of_scope_reads_are_404(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        station: Station,
        other_station: Station,
        rolled_back_db: Database,
    ) -> None:
        volunteer = await make_volunteer(rolled_back_db, settings, platform_id=station.platform_id)
        someone_else = await make_volunteer(rolled_back_db, settings, platform_id=station.platform_id)
        url = f"/v1/volunteers/{volunteer.id}"
        for headers in (
            other_station.headers,
            bearer(settings, "civil_affairs_admin", region="43"),
            bearer(settings, "app_client", scopes=["wishes:read"]),
            bearer(settings, "org_staff", org_id=uuid.uuid4()),
            volunteer_headers(settings, someone_else.id),
        ):
            response = await client.get(url, headers=headers)
            assert response.status_code == 404
            assert response.json()["code"] == "NOT_FOUND"
        batch = await client.get(f"/v1/volunteers:batch?ids={volunteer.id}", headers=other_station.headers)
        assert batch.json() == {"items": []}

    async def test_reading_unmasked_data_is_audited(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        station: Station,
        rolled_back_db: Database,
        connection: AsyncConnection,
    ) -> None:
        volunteer = await make_volunteer(rolled_back_db, settings, platform_id=station.platform_id)
        await client.get(f"/v1/volunteers/{volunteer.id}", headers=station.headers)
        actions = await connection.scalars(select(AuditEntry.action).where(AuditEntry.entity_id == str(volunteer.id)))
        assert list(actions) == ["read_personal"]


class TestSearch:
    async def test_filters_by_skill_language_region_and_availability(
        self, client: httpx.AsyncClient, settings: Settings, station: Station, rolled_back_db: Database
    ) -> None:
        tuesday = [{"weekday": 2, "start": "14:00", "end": "18:00"}]
        match = await make_volunteer(
            rolled_back_db,
            settings,
            platform_id=station.platform_id,
            skills=["haircut"],
            languages=["mn"],
            availability=tuesday,
        )
        await make_volunteer(
            rolled_back_db,
            settings,
            platform_id=station.platform_id,
            skills=["haircut"],
            languages=["zh"],
            availability=tuesday,
        )
        await make_volunteer(
            rolled_back_db,
            settings,
            platform_id=station.platform_id,
            skills=["haircut"],
            languages=["mn"],
            availability=[{"weekday": 3, "start": "14:00", "end": "18:00"}],
        )
        query = "skill=haircut&language=mn&region=150781&weekday=2&start=15:00&end=17:00"
        response = await client.get(f"/v1/volunteers?{query}", headers=station.headers)
        assert [item["id"] for item in response.json()["items"]] == [str(match.id)]
        narrower = await client.get("/v1/volunteers?weekday=2&start=13:00&end=15:00", headers=station.headers)
        assert narrower.json()["items"] == []

    async def test_cursor_pages_through_everything(
        self, client: httpx.AsyncClient, settings: Settings, station: Station, rolled_back_db: Database
    ) -> None:
        made = {(await make_volunteer(rolled_back_db, settings, platform_id=station.platform_id)).id for _ in range(5)}
        seen, cursor = [], None
        while True:
            params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
            page = (await client.get("/v1/volunteers", params=params, headers=station.headers)).json()
            seen += [uuid.UUID(item["id"]) for item in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert set(seen) == made and len(seen) == 5


class TestUpdate:
    async def test_if_match_is_required_and_checked(
        self, client: httpx.AsyncClient, settings: Settings, station: Station, rolled_back_db: Database
    ) -> None:
        volunteer = await make_volunteer(rolled_back_db, settings, platform_id=station.platform_id)
        url = f"/v1/volunteers/{volunteer.id}"
        body = {"skills": ["cooking"]}
        assert (await client.patch(url, json=body, headers=station.headers)).status_code == 428
        etag = (await client.get(url, headers=station.headers)).headers["etag"]
        ok = await client.patch(url, json=body, headers={**station.headers, "If-Match": etag})
        assert ok.status_code == 200 and ok.json()["skills"] == ["cooking"]
        assert ok.headers["etag"] == '"2"'
        stale = await client.patch(url, json=body, headers={**station.headers, "If-Match": etag})
        assert stale.status_code == 412

    async def test_volunteer_edits_own_profile_but_not_verification(
        self, client: httpx.AsyncClient, settings: Settings, station: Station, rolled_back_db: Database
    ) -> None:
        volunteer = await make_volunteer(rolled_back_db, settings, platform_id=station.platform_id)
        headers = {**volunteer_headers(settings, volunteer.id), "If-Match": '"1"'}
        response = await client.patch(f"/v1/volunteers/{volunteer.id}", json={"max_hours_per_week": 4}, headers=headers)
        assert response.status_code == 200
        verify = await client.post(
            f"/v1/volunteers/{volunteer.id}/verify", json={"decision": "rejected"}, headers=headers
        )
        assert verify.status_code == 403
