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


async def test_funds_raised_in_the_region_are_exact_decimals(
    client: httpx.AsyncClient, settings: Settings, rolled_back_db: Database
) -> None:
    foundation = await make_organization(rolled_back_db, kind="community_foundation", name="呼伦贝尔社区发展基金会")
    await make_offer(rolled_back_db, foundation, kind="fund", category=None, total=Decimal("0.10"))
    await make_offer(rolled_back_db, foundation, kind="fund", category=None, total=Decimal("0.20"))
    await make_offer(
        rolled_back_db, foundation, kind="fund", category=None, total=Decimal("5.00"), region_prefix="1501"
    )
    response = await client.get(
        "/v1/stats", params={**WINDOW, "region": "1507"}, headers=bearer(settings, "civil_affairs_admin", region="15")
    )
    assert response.status_code == 200, response.text
    stats = response.json()
    assert (stats["funds_raised"], stats["donations"], stats["funds_disbursed"]) == ("0.30", 2, "0")


async def test_outsiders_may_not_read_statistics(client: httpx.AsyncClient, settings: Settings) -> None:
    response = await client.get("/v1/stats", params=WINDOW, headers=bearer(settings, "app_client"))
    assert response.status_code == 403
