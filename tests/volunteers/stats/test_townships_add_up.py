"""A county of two townships (issue 17): the townships' activity figures add up to the county's and
the per-platform breakdown lists each platform once, summing to the region's."""

import httpx

from services.common.database import Database
from services.common.settings import Settings
from tests.support.auth import bearer
from tests.volunteers.conftest import make_station
from tests.volunteers.factories import in_days, make_activity
from tests.volunteers.stats.test_stats import hold_activity

ADDITIVE = ("activities_held", "beneficiaries")


async def test_townships_add_up_to_their_county(
    client: httpx.AsyncClient, settings: Settings, rolled_back_db: Database
) -> None:
    east = make_station(settings, region="150781001")
    west = make_station(settings, region="150781002")
    await hold_activity(client, settings, rolled_back_db, east, checked_in=2, beneficiaries=10)
    await hold_activity(client, settings, rolled_back_db, east, checked_in=1, beneficiaries=5, days=2)
    await hold_activity(client, settings, rolled_back_db, west, checked_in=3, beneficiaries=7)
    await make_activity(rolled_back_db, platform_id=west.platform_id, region=west.region)  # not held
    admin = bearer(settings, "civil_affairs_admin", region="15")
    period = {"from": in_days(0).isoformat(), "to": in_days(30).isoformat()}
    county, first, second = [
        (await client.get("/v1/stats", params={**period, "region": r}, headers=admin)).json()
        for r in ("150781", "150781001", "150781002")
    ]
    for figure in ADDITIVE:
        assert county[figure] == first[figure] + second[figure], figure
    assert (county["activities_held"], county["beneficiaries"]) == (3, 22)
    assert county["participant_person_times"] == {"volunteer": 6, "social_worker": 6, "donor": 3}

    platforms = {p["platform_id"]: p for p in county["by_platform"]}
    assert len(platforms) == len(county["by_platform"]) == 2
    assert platforms[str(east.platform_id)]["activities_held"] == 2
    assert platforms[str(east.platform_id)]["participant_person_times"] == {
        "volunteer": 3,
        "social_worker": 4,
        "donor": 2,
    }
    for figure in ADDITIVE:
        assert sum(p[figure] for p in platforms.values()) == county[figure], figure
    for kind in ("volunteer", "social_worker", "donor"):
        assert (
            sum(p["participant_person_times"][kind] for p in platforms.values())
            == (county["participant_person_times"][kind])
        )
