"""Fund figures for exactly the region asked (issue 17): a township's own funds apart from the county's
and region-wide funds it may draw on, own figures that add up from township to county, and a region
outside the caller's scope refused — never another county's figures, never clipped."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx

from services.common.database import Database
from services.common.settings import Settings
from tests.resources.factories import make_offer, make_organization
from tests.support.auth import bearer

WINDOW = {
    "from": (datetime.now(UTC) - timedelta(days=1)).isoformat(),
    "to": (datetime.now(UTC) + timedelta(days=1)).isoformat(),
}


async def _stats(client: httpx.AsyncClient, settings: Settings, region: str, scope: str = "15") -> httpx.Response:
    headers = bearer(settings, "civil_affairs_admin", region=scope)
    return await client.get("/v1/stats", params={**WINDOW, "region": region}, headers=headers)


async def test_a_township_shows_its_own_funds_and_what_it_may_draw_on_apart(
    client: httpx.AsyncClient, settings: Settings, rolled_back_db: Database
) -> None:
    foundation = await make_organization(rolled_back_db, kind="community_foundation", name="满洲里社区发展基金会")
    for total, prefix in (
        ("1200.00", "150781001"),  # the township's own fund
        ("800.00", "150781002"),  # the neighbouring township's
        ("7600.00", "150781"),  # the county's
        ("300000.00", "15"),  # region-wide
        ("50.00", "150702"),  # another county
    ):
        await make_offer(
            rolled_back_db, foundation, kind="fund", category=None, total=Decimal(total), region_prefix=prefix
        )

    township = (await _stats(client, settings, "150781001")).json()
    assert (township["funds_raised"], township["donations"]) == ("1200.00", 1)
    assert township["drawable_funds_raised"] == "307600.00"
    neighbour = (await _stats(client, settings, "150781002")).json()
    county = (await _stats(client, settings, "150781")).json()
    # Own funds add up: the county's own are its townships' own plus its county-level ones.
    assert Decimal(county["funds_raised"]) == Decimal(township["funds_raised"]) + Decimal(
        neighbour["funds_raised"]
    ) + Decimal("7600.00")
    assert (county["funds_raised"], county["drawable_funds_raised"]) == ("9600.00", "300000.00")


async def test_a_region_outside_the_callers_scope_is_refused_with_a_code(
    client: httpx.AsyncClient, settings: Settings, rolled_back_db: Database
) -> None:
    foundation = await make_organization(rolled_back_db, kind="community_foundation", name="满洲里社区发展基金会")
    await make_offer(
        rolled_back_db, foundation, kind="fund", category=None, total=Decimal("100.00"), region_prefix="150781"
    )
    for region in ("150781", "1529"):  # another county; the league above the caller's own county
        refused = await _stats(client, settings, region, scope="152921")
        assert refused.status_code == 403, refused.json()
        body = refused.json()
        assert body["code"] == "REGION_OUT_OF_SCOPE" and body["detail_zh"] and body["region"] == region
    assert (await _stats(client, settings, "152921", scope="152921")).status_code == 200
