"""Pledges for the station (issue 17: "pledges are 0 for the station"): a wish of the station claimed
through the app counts in the station staff's statistics and its county's, not in another township's, and by the need's platform."""

from datetime import timedelta

import httpx

from services.common.clock import clock
from services.common.settings import Settings
from tests.resources.factories import STATION, staff
from tests.resources.pledges.test_endpoints import claimer, item_pledge


async def test_the_station_counts_the_pledges_for_its_wishes(client: httpx.AsyncClient, settings: Settings) -> None:
    claimed = await client.post("/v1/pledges", json=item_pledge(settings), headers=claimer(settings))
    assert claimed.status_code == 201, claimed.text
    now = clock.now()
    period = {"from": (now - timedelta(days=1)).isoformat(), "to": (now + timedelta(days=1)).isoformat()}
    station, county_admin = staff(settings), staff(settings, "civil_affairs_admin", region="15")
    for region, headers in (("150781001", station), ("150781", county_admin), ("150781001", county_admin)):
        response = await client.get("/v1/stats", params={**period, "region": region}, headers=headers)
        assert response.status_code == 200, response.text
        assert response.json()["pledges"] == 1, region
        assert response.json()["by_platform"] == [{"platform_id": str(STATION), "pledges": 1}]
    elsewhere = await client.get("/v1/stats", params={**period, "region": "150781002"}, headers=county_admin)
    assert elsewhere.json()["pledges"] == 0
