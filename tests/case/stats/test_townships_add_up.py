"""A county of two townships (issue 17): additive figures of the townships add up to the county's,
people count once, and the per-platform breakdown lists each platform once and sums to the region's."""

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from services.case.models import Platform, ServiceRecord
from services.common.clock import beijing_month
from services.common.settings import Settings
from tests.case.factories import make_case, make_need, make_platform, make_project, make_recipient, make_staff
from tests.support.auth import bearer

NOVEMBER = beijing_month(datetime(2026, 11, 15, tzinfo=UTC))
ADDITIVE = ("projects", "brand_projects", "service_records", "beneficiaries", "cases_opened", "cases_closed")


async def _township(session: AsyncSession, centre: Platform, code: str, n: int) -> Platform:
    """A station whose figures are n, 2n, ... so that sums tell townships apart."""
    station = await make_platform(session, parent=centre, region_code=code, name=f"社工站{code}")
    await make_staff(session, platform=station, certification="social_worker", phone_hash=f"p{code}")
    for i in range(n):
        await make_project(session, platform=station, name=f"项目{code}-{i}", is_brand=i == 0)
        recipient = await make_recipient(session, platform=station)
        case = await make_case(session, recipient=recipient, opened_at=NOVEMBER[0])
        session.add(
            ServiceRecord(
                case_id=case.id,
                platform_id=station.id,
                region_code=code,
                kind="home_visit",
                served_on=date(2026, 11, 2 + i),
                beneficiaries=2,
                recorded_by="t",
            )
        )
        await make_need(
            session,
            case=case,
            kind="funding",
            amount=Decimal("100.00"),
            state="fulfilled",
            fulfilled_at=NOVEMBER[0],
            created_at=NOVEMBER[0],
        )
    return station


async def _stats(client: httpx.AsyncClient, settings: Settings, region: str) -> Any:
    params = {"from": NOVEMBER[0].isoformat(), "to": NOVEMBER[1].isoformat(), "region": region}
    response = await client.get(
        "/v1/stats", params=params, headers=bearer(settings, "civil_affairs_admin", region="15")
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_townships_add_up_to_their_county(
    client: httpx.AsyncClient, settings: Settings, session: AsyncSession
) -> None:
    centre = await make_platform(session, level="county_centre", region_code="150781", name="满洲里市社工服务中心")
    one = await _township(session, centre, "150781001", 1)
    two = await _township(session, centre, "150781002", 2)
    # One person with a post at the centre and at station one: once in the county, once at each platform.
    await make_staff(session, platform=centre, certification="social_worker", phone_hash="p150781001")
    await session.flush()

    county, first, second = [await _stats(client, settings, r) for r in ("150781", "150781001", "150781002")]
    for figure in ADDITIVE:
        assert county[figure] == first[figure] + second[figure], figure
    assert (county["service_records"], county["beneficiaries"], county["projects"]) == (3, 6, 3)
    assert county["needs"] == [{"kind": "funding", "published": 3, "fulfilled": 3, "fulfilled_value": "300.00"}]
    assert (first["social_workers"], second["social_workers"], county["social_workers"]) == (1, 1, 2)

    platforms = {p["platform_id"]: p for p in county["by_platform"]}
    assert len(platforms) == len(county["by_platform"]) == 3
    assert [platforms[str(p.id)]["social_workers"] for p in (centre, one, two)] == [1, 1, 1]
    for figure in ADDITIVE:
        assert sum(p[figure] for p in platforms.values()) == county[figure], figure
    assert sum(Decimal(p["wishes_met_value"]) for p in platforms.values()) == Decimal("300.00")
    assert [p["platform_id"] for p in first["by_platform"]] == [str(one.id)]
