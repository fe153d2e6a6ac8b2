"""Rows for a platform below the caller's: its path and region come sealed from the case service.

The case service's side (who may get a platform ticket) runs over real HTTP in
tests/scope/test_platform_tickets.py; here the tickets are sealed as the case service seals them.
"""

import uuid
from dataclasses import dataclass

import httpx
import pytest

from services.common.database import Database
from services.common.settings import Settings
from services.common.tickets import NeedTicket, PlatformTicket, seal
from tests.support.auth import bearer
from tests.volunteers.factories import in_days, make_volunteer, new_id_number

COUNTY = "150781"
TOWNSHIP, OTHER_TOWNSHIP = "150781001", "150781002"


@dataclass(frozen=True)
class Platform:
    id: uuid.UUID
    path: str
    region: str
    headers: dict[str, str]
    subject: str


def _platform(settings: Settings, role: str, region: str, parent: "Platform | None" = None) -> Platform:
    platform_id = uuid.uuid4()
    subject = f"{role}-{platform_id}"
    path = f"{parent.path if parent else '/'}{platform_id}/"
    return Platform(
        platform_id, path, region, bearer(settings, role, platform_id=platform_id, subject=subject), subject
    )


@pytest.fixture
def centre(settings: Settings) -> Platform:
    return _platform(settings, "centre_staff", COUNTY)


@pytest.fixture
def station(settings: Settings, centre: Platform) -> Platform:
    return _platform(settings, "station_staff", TOWNSHIP, centre)


@pytest.fixture
def sibling(settings: Settings, centre: Platform) -> Platform:
    return _platform(settings, "station_staff", OTHER_TOWNSHIP, centre)


def ticket_for(settings: Settings, platform: Platform, caller: Platform) -> str:
    return seal(PlatformTicket(platform.id, platform.path, platform.region, caller.subject), settings)


def registration(platform: Platform, **overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "platform_id": str(platform.id),
        "name": "巴特尔",
        "phone": "13912345678",
        "id_number": new_id_number(),
        "region": platform.region,
    }
    body.update(overrides)
    return body


class TestRegisterForAStationBelow:
    async def test_centre_registers_for_its_station_seen_by_both_not_by_a_sibling(
        self, client: httpx.AsyncClient, settings: Settings, centre: Platform, station: Platform, sibling: Platform
    ) -> None:
        body = registration(station, platform_ticket=ticket_for(settings, station, centre))
        created = await client.post("/v1/volunteers", json=body, headers=centre.headers)
        assert created.status_code == 201, created.text
        path = f"/v1/volunteers/{created.json()['id']}"
        assert (await client.get(path, headers=centre.headers)).status_code == 200
        assert (await client.get(path, headers=station.headers)).status_code == 200
        assert (await client.get(path, headers=sibling.headers)).status_code == 404
        listed = await client.get("/v1/volunteers", headers=centre.headers)
        assert created.json()["id"] in [v["id"] for v in listed.json()["items"]]

    async def test_station_with_its_own_ticket_is_seen_by_its_centre(
        self, client: httpx.AsyncClient, settings: Settings, centre: Platform, station: Platform
    ) -> None:
        body = registration(station, platform_ticket=ticket_for(settings, station, station))
        created = await client.post("/v1/volunteers", json=body, headers=station.headers)
        assert created.status_code == 201, created.text
        assert (await client.get(f"/v1/volunteers/{created.json()['id']}", headers=centre.headers)).status_code == 200

    async def test_own_platform_without_a_ticket_stays_narrow(
        self, client: httpx.AsyncClient, centre: Platform, station: Platform
    ) -> None:
        created = await client.post("/v1/volunteers", json=registration(station), headers=station.headers)
        assert created.status_code == 201
        path = f"/v1/volunteers/{created.json()['id']}"
        assert (await client.get(path, headers=station.headers)).status_code == 200
        assert (await client.get(path, headers=centre.headers)).status_code == 404

    async def test_another_platform_without_a_ticket_is_forbidden(
        self, client: httpx.AsyncClient, centre: Platform, station: Platform
    ) -> None:
        refused = await client.post("/v1/volunteers", json=registration(station), headers=centre.headers)
        assert refused.status_code == 403

    async def test_a_region_outside_the_platforms_is_forbidden(
        self, client: httpx.AsyncClient, settings: Settings, centre: Platform, station: Platform
    ) -> None:
        body = registration(station, region=OTHER_TOWNSHIP, platform_ticket=ticket_for(settings, station, centre))
        assert (await client.post("/v1/volunteers", json=body, headers=centre.headers)).status_code == 403

    async def test_a_retry_with_a_fresh_ticket_replays(
        self, client: httpx.AsyncClient, settings: Settings, centre: Platform, station: Platform
    ) -> None:
        body = registration(station, platform_ticket=ticket_for(settings, station, centre))
        headers = {**centre.headers, "Idempotency-Key": f"register-{uuid.uuid4()}"}
        first = await client.post("/v1/volunteers", json=body, headers=headers)
        again = await client.post(
            "/v1/volunteers", json={**body, "platform_ticket": ticket_for(settings, station, centre)}, headers=headers
        )
        assert first.status_code == again.status_code == 201
        assert again.headers["Idempotent-Replayed"] == "true" and again.json()["id"] == first.json()["id"]


class TestTicketInvalid:
    @pytest.mark.parametrize("kind", ["forged", "other_subject", "other_platform", "need_ticket"])
    async def test_is_422_and_writes_nothing(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        centre: Platform,
        station: Platform,
        sibling: Platform,
        kind: str,
    ) -> None:
        genuine = ticket_for(settings, station, centre)
        ticket = {
            "forged": genuine[:-8] + ("A" * 8 if not genuine.endswith("A" * 8) else "B" * 8),
            "other_subject": ticket_for(settings, station, sibling),
            "other_platform": ticket_for(settings, sibling, centre),
            "need_ticket": seal(NeedTicket(uuid.uuid4(), station.id, station.path, TOWNSHIP, centre.subject), settings),
        }[kind]
        body = registration(station, platform_ticket=ticket)
        refused = await client.post("/v1/volunteers", json=body, headers=centre.headers)
        assert refused.status_code == 422 and refused.json()["code"] == "TICKET_INVALID"
        listed = await client.get("/v1/volunteers", headers=station.headers)
        assert listed.json()["items"] == []


class TestTeamsAndActivities:
    async def test_centre_founds_a_team_for_its_station(
        self, client: httpx.AsyncClient, settings: Settings, centre: Platform, station: Platform, sibling: Platform
    ) -> None:
        body = {
            "name": "银龄互助队",
            "platform_id": str(station.id),
            "region": TOWNSHIP,
            "platform_ticket": ticket_for(settings, station, centre),
        }
        created = await client.post("/v1/teams", json=body, headers=centre.headers)
        assert created.status_code == 201, created.text
        path = f"/v1/teams/{created.json()['id']}"
        assert (await client.get(path, headers=station.headers)).status_code == 200
        assert (await client.get(path, headers=sibling.headers)).status_code == 404

    async def test_centre_organises_an_activity_for_its_station(
        self, client: httpx.AsyncClient, settings: Settings, centre: Platform, station: Platform, sibling: Platform
    ) -> None:
        body = {
            "title": "重阳敬老",
            "organiser_kind": "platform",
            "platform_id": str(station.id),
            "place": "社工站活动室",
            "region": TOWNSHIP,
            "starts_at": in_days(10).isoformat(),
            "ends_at": in_days(10, hour=11).isoformat(),
            "capacity": 10,
            "is_public": False,
            "platform_ticket": ticket_for(settings, station, centre),
        }
        created = await client.post("/v1/activities", json=body, headers=centre.headers)
        assert created.status_code == 201, created.text
        path = f"/v1/activities/{created.json()['id']}"
        assert (await client.get(path, headers=station.headers)).status_code == 200
        assert (await client.get(path, headers=sibling.headers)).status_code == 404


class TestCareAssignments:
    def _body(self, station: Platform, volunteer_id: uuid.UUID, need_id: uuid.UUID, ticket: str) -> dict[str, object]:
        return {
            "volunteer_id": str(volunteer_id),
            "need_id": str(need_id),
            "platform_id": str(station.id),
            "region": TOWNSHIP,
            "schedule": {"frequency": "weekly", "weekday": 3, "start": "09:00", "duration_minutes": 60},
            "starts_on": in_days(7).date().isoformat(),
            "visit_address": "幸福小区3号楼",
            "need_ticket": ticket,
        }

    async def test_centre_assigns_with_the_need_ticket(
        self,
        client: httpx.AsyncClient,
        rolled_back_db: Database,
        settings: Settings,
        centre: Platform,
        station: Platform,
        sibling: Platform,
    ) -> None:
        volunteer = await make_volunteer(rolled_back_db, settings, platform_id=station.id, platform_path=station.path)
        need_id = uuid.uuid4()
        ticket = seal(NeedTicket(need_id, station.id, station.path, TOWNSHIP, centre.subject), settings)
        created = await client.post(
            "/v1/assignments", json=self._body(station, volunteer.id, need_id, ticket), headers=centre.headers
        )
        assert created.status_code == 201, created.text
        path = f"/v1/assignments/{created.json()['id']}"
        assert (await client.get(path, headers=station.headers)).status_code == 200
        assert (await client.get(path, headers=sibling.headers)).status_code == 404

    async def test_a_ticket_for_another_need_is_422(
        self,
        client: httpx.AsyncClient,
        rolled_back_db: Database,
        settings: Settings,
        centre: Platform,
        station: Platform,
    ) -> None:
        volunteer = await make_volunteer(rolled_back_db, settings, platform_id=station.id, platform_path=station.path)
        ticket = seal(NeedTicket(uuid.uuid4(), station.id, station.path, TOWNSHIP, centre.subject), settings)
        refused = await client.post(
            "/v1/assignments", json=self._body(station, volunteer.id, uuid.uuid4(), ticket), headers=centre.headers
        )
        assert refused.status_code == 422 and refused.json()["code"] == "TICKET_INVALID"


class TestAnotherCounty:
    async def test_a_genuine_ticket_for_another_countys_platform_does_not_open_it(
        self, client: httpx.AsyncClient, settings: Settings, station: Platform
    ) -> None:
        """Even were the case service to vouch for a platform elsewhere, the row would lie outside the
        caller's subtree: 403, nothing written (the case service's refusal: tests/scope)."""
        elsewhere = _platform(settings, "station_staff", "430102001", _platform(settings, "centre_staff", "430102"))
        body = registration(elsewhere, platform_ticket=ticket_for(settings, elsewhere, station))
        assert (await client.post("/v1/volunteers", json=body, headers=station.headers)).status_code == 403
        assert (await client.get("/v1/volunteers", headers=elsewhere.headers)).json()["items"] == []
