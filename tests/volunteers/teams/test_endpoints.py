"""Teams attached to a platform or an organisation, with members and leaders."""

import uuid

import httpx

from services.common.database import Database
from services.common.settings import Settings
from tests.support.auth import bearer
from tests.volunteers.conftest import Station, volunteer_headers
from tests.volunteers.factories import make_volunteer


class TestTeams:
    async def test_org_team_members_and_team_activity(
        self, client: httpx.AsyncClient, settings: Settings, station: Station, rolled_back_db: Database
    ) -> None:
        org_id = uuid.uuid4()
        org = bearer(settings, "org_staff", org_id=org_id)
        team = await client.post(
            "/v1/teams", json={"name": "红石榴志愿服务队", "org_id": str(org_id), "region": "150781"}, headers=org
        )
        assert team.status_code == 201
        team_id = team.json()["id"]
        volunteer = await make_volunteer(rolled_back_db, settings, platform_id=station.platform_id)
        added = await client.post(
            f"/v1/teams/{team_id}/members", json={"volunteer_id": str(volunteer.id), "is_leader": True}, headers=org
        )
        assert added.status_code == 201
        assert (
            await client.post(f"/v1/teams/{team_id}/members", json={"volunteer_id": str(volunteer.id)}, headers=org)
        ).status_code == 409
        members = (await client.get(f"/v1/teams/{team_id}/members", headers=org)).json()["items"]
        assert [(m["volunteer_id"], m["is_leader"]) for m in members] == [(str(volunteer.id), True)]
        # The org now sees its member, masked.
        seen = (await client.get(f"/v1/volunteers/{volunteer.id}", headers=org)).json()
        assert seen["personal_data_masked"] is True
        # The member sees the team.
        assert (
            await client.get(f"/v1/teams/{team_id}", headers=volunteer_headers(settings, volunteer.id))
        ).status_code == 200

    async def test_team_needs_exactly_one_owner_and_scope(
        self, client: httpx.AsyncClient, settings: Settings, station: Station, other_station: Station
    ) -> None:
        both = {"name": "队", "platform_id": str(station.platform_id), "org_id": str(uuid.uuid4()), "region": "150781"}
        assert (await client.post("/v1/teams", json=both, headers=station.headers)).status_code == 422
        mine = {"name": "社工站志愿队", "platform_id": str(station.platform_id), "region": station.region}
        created = (await client.post("/v1/teams", json=mine, headers=station.headers)).json()
        assert (await client.get(f"/v1/teams/{created['id']}", headers=other_station.headers)).status_code == 404
        renamed = await client.patch(
            f"/v1/teams/{created['id']}", json={"name": "新名字"}, headers={**station.headers, "If-Match": '"1"'}
        )
        assert renamed.status_code == 200 and renamed.headers["etag"] == '"2"'
