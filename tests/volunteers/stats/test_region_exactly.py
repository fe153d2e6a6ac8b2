"""Volunteer figures for exactly the region asked, or a 403 with a code (issue 17)."""

import httpx

from services.common.settings import Settings
from tests.support.auth import bearer


async def test_a_region_outside_the_callers_scope_is_refused(client: httpx.AsyncClient, settings: Settings) -> None:
    county_admin = bearer(settings, "civil_affairs_admin", region="152921")
    for region in ("1529", "150781"):
        refused = await client.get("/v1/stats", params={"region": region}, headers=county_admin)
        assert refused.status_code == 403, refused.json()
        assert refused.json()["code"] == "REGION_OUT_OF_SCOPE" and refused.json()["detail_zh"]
    assert (await client.get("/v1/stats", params={"region": "152921"}, headers=county_admin)).status_code == 200
