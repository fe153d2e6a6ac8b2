"""Statistics by region prefix and period, counted in SQL."""

import uuid
from datetime import timedelta

import httpx

from services.common.clock import clock
from services.common.database import Database
from services.common.settings import Settings
from tests.support.auth import bearer
from tests.volunteers.conftest import Station, make_station, volunteer_headers
from tests.volunteers.factories import in_days, make_activity, make_volunteer


async def hold_activity(
    client: httpx.AsyncClient,
    settings: Settings,
    db: Database,
    station: Station,
    checked_in: int,
    beneficiaries: int,
    days: float = 1,
) -> None:
    activity = await make_activity(db, platform_id=station.platform_id, region=station.region, starts_at=in_days(days))
    for _ in range(checked_in):
        volunteer = await make_volunteer(db, settings, platform_id=station.platform_id, region=station.region)
        signup = (
            await client.post(
                f"/v1/activities/{activity.id}/signups", json={}, headers=volunteer_headers(settings, volunteer.id)
            )
        ).json()
        with clock.shifted(activity.ends_at):  # recorded from the sign-in sheet afterwards
            response = await client.post(
                f"/v1/signups/{signup['id']}/check-in",
                json={"at": activity.starts_at.isoformat()},
                headers=station.headers,
            )
        assert response.status_code == 200
    with clock.shifted(activity.ends_at):  # completed once it has ended
        completed = await client.post(
            f"/v1/activities/{activity.id}/complete",
            json={"beneficiaries": beneficiaries, "social_worker_participants": 2, "donor_participants": 1},
            headers=station.headers,
        )
    assert completed.status_code == 200


class TestStats:
    async def test_counts_by_region_prefix_and_period(
        self, client: httpx.AsyncClient, settings: Settings, rolled_back_db: Database
    ) -> None:
        manzhouli = make_station(settings, region="150781001")
        hailar = make_station(settings, region="150702001")
        changsha = make_station(settings, region="430102001")
        await hold_activity(client, settings, rolled_back_db, manzhouli, checked_in=3, beneficiaries=20)
        await hold_activity(client, settings, rolled_back_db, hailar, checked_in=1, beneficiaries=5)
        await hold_activity(client, settings, rolled_back_db, changsha, checked_in=2, beneficiaries=7)
        await hold_activity(client, settings, rolled_back_db, manzhouli, checked_in=1, beneficiaries=9, days=40)
        await make_activity(rolled_back_db, platform_id=manzhouli.platform_id)  # not held

        admin = bearer(settings, "civil_affairs_admin", region="15")
        params = {"region": "15", "from": in_days(0).isoformat(), "to": in_days(30).isoformat()}
        stats = (await client.get("/v1/stats", params=params, headers=admin)).json()
        assert stats["activities_held"] == 2
        assert stats["participant_person_times"] == {"volunteer": 4, "social_worker": 4, "donor": 2}
        assert stats["beneficiaries"] == 25

        county = (await client.get("/v1/stats", params={**params, "region": "150781"}, headers=admin)).json()
        assert (county["activities_held"], county["beneficiaries"]) == (1, 20)

    async def test_scope_limits_what_is_counted(
        self, client: httpx.AsyncClient, settings: Settings, rolled_back_db: Database
    ) -> None:
        changsha = make_station(settings, region="430102001")
        await hold_activity(client, settings, rolled_back_db, changsha, checked_in=1, beneficiaries=7)
        inner_mongolia = bearer(settings, "civil_affairs_admin", region="15")
        stats = (await client.get("/v1/stats", params={"region": "15"}, headers=inner_mongolia)).json()
        assert stats["activities_held"] == 0
        elsewhere = await client.get("/v1/stats", params={"region": "43"}, headers=inner_mongolia)
        assert elsewhere.status_code == 403 and elsewhere.json()["code"] == "REGION_OUT_OF_SCOPE"
        volunteer = bearer(settings, "volunteer", volunteer_id=uuid.uuid4())
        assert (await client.get("/v1/stats", headers=volunteer)).status_code == 403

    async def test_bad_period_is_refused(self, client: httpx.AsyncClient, settings: Settings) -> None:
        admin = bearer(settings, "civil_affairs_admin", region="15")
        start = in_days(0)
        params = {"from": start.isoformat(), "to": (start - timedelta(days=1)).isoformat()}
        assert (await client.get("/v1/stats", params=params, headers=admin)).status_code == 400
        assert (await client.get("/v1/stats", params={"region": "1x"}, headers=admin)).status_code == 422
