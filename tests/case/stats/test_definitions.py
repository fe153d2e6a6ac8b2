"""One definition per figure (issue 17): wishes met and their value, service records by Beijing day."""

from datetime import UTC, date, datetime
from decimal import Decimal

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from services.case.models import ServiceRecord
from services.common.clock import beijing_month
from services.common.settings import Settings
from tests.case.factories import make_case, make_need, make_recipient, make_tree
from tests.support.auth import bearer

NOVEMBER = beijing_month(datetime(2026, 11, 15, tzinfo=UTC))
PERIOD = {"from": NOVEMBER[0].isoformat(), "to": NOVEMBER[1].isoformat(), "region": "150781"}


async def test_a_funding_need_met_is_worth_its_amount(
    client: httpx.AsyncClient, settings: Settings, session: AsyncSession
) -> None:
    tree = await make_tree(session)
    case = await make_case(session, recipient=await make_recipient(session, platform=tree["station"]))
    met = datetime(2026, 11, 10, tzinfo=UTC)
    await make_need(session, case=case, kind="funding", amount=Decimal("800.00"), state="fulfilled", fulfilled_at=met)
    await make_need(session, case=case, estimated_value=Decimal("120.00"), state="fulfilled", fulfilled_at=met)
    await session.flush()
    stats = (
        await client.get("/v1/stats", params=PERIOD, headers=bearer(settings, "civil_affairs_admin", region="15"))
    ).json()
    by_kind = {n["kind"]: (n["fulfilled"], n["fulfilled_value"]) for n in stats["needs"]}
    assert by_kind == {"funding": (1, "800.00"), "micro_wish": (1, "120.00")}


async def test_service_records_count_by_beijing_day(
    client: httpx.AsyncClient, settings: Settings, session: AsyncSession
) -> None:
    """November in Beijing starts 2026-10-31T16:00Z: the UTC date of `from` (31 October) is not in it."""
    tree = await make_tree(session)
    case = await make_case(session, recipient=await make_recipient(session, platform=tree["station"]))
    for day, beneficiaries in ((date(2026, 10, 31), 100), (date(2026, 11, 1), 1), (date(2026, 11, 30), 2)):
        session.add(
            ServiceRecord(
                case_id=case.id,
                platform_id=case.platform_id,
                region_code=case.region_code,
                kind="home_visit",
                served_on=day,
                beneficiaries=beneficiaries,
                recorded_by="t",
            )
        )
    await session.flush()
    stats = (
        await client.get("/v1/stats", params=PERIOD, headers=bearer(settings, "civil_affairs_admin", region="15"))
    ).json()
    assert (stats["service_records"], stats["beneficiaries"]) == (2, 3)
