"""Case figures for exactly the region asked, or a 403 with a code (issue 17): never clipped to the
caller's scope and labelled with the region asked."""

from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.settings import Settings
from tests.case.factories import make_tree
from tests.support.auth import bearer

WINDOW = {
    "from": (datetime.now(UTC) - timedelta(days=30)).isoformat(),
    "to": (datetime.now(UTC) + timedelta(days=1)).isoformat(),
}


async def test_a_region_outside_the_callers_scope_is_refused(
    client: httpx.AsyncClient, settings: Settings, session: AsyncSession
) -> None:
    await make_tree(session, county="152921")
    tree = await make_tree(session, county="150781")
    county_admin = bearer(settings, "civil_affairs_admin", region="152921")
    for region in ("1529", "150781", "15"):
        refused = await client.get("/v1/stats", params={**WINDOW, "region": region}, headers=county_admin)
        assert refused.status_code == 403, (region, refused.json())
        assert refused.json()["code"] == "REGION_OUT_OF_SCOPE" and refused.json()["detail_zh"]
    own = await client.get("/v1/stats", params={**WINDOW, "region": "152921"}, headers=county_admin)
    assert own.status_code == 200 and own.json()["platforms"]["station"] == 1

    # A station's staff carry a county-wide token; their figures are their station's region and below.
    station = bearer(settings, "station_staff", platform_id=tree["station"].id, region="150781")
    assert (await client.get("/v1/stats", params={**WINDOW, "region": "150781"}, headers=station)).status_code == 403
    mine = await client.get("/v1/stats", params={**WINDOW, "region": "150781001"}, headers=station)
    assert mine.status_code == 200 and mine.json()["platforms"] == {"station": 1, "community_room": 1}
