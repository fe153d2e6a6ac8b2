from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from services.case.models import ServiceRecord
from services.common.settings import Settings
from tests.case.factories import (
    make_case,
    make_need,
    make_platform,
    make_project,
    make_recipient,
    make_staff,
    make_tree,
)
from tests.support.auth import bearer

WINDOW = {
    "from": (datetime.now(UTC) - timedelta(days=30)).isoformat(),
    "to": (datetime.now(UTC) + timedelta(days=1)).isoformat(),
}


async def _populate(session: AsyncSession):  # type: ignore[no-untyped-def]
    tree = await make_tree(session)
    await make_staff(session, platform=tree["station"], certification="social_worker")
    await make_staff(session, platform=tree["station"], certification="none")
    await make_project(session, platform=tree["station"], name="圆梦微心愿", is_brand=True)
    await make_project(session, platform=tree["station"], name="试点", is_brand=False)
    recipient = await make_recipient(session, platform=tree["station"])
    case = await make_case(session, recipient=recipient, state="intervention")
    session.add(
        ServiceRecord(
            case_id=case.id,
            platform_id=case.platform_id,
            region_code=case.region_code,
            kind="home_visit",
            served_on=date.today(),
            beneficiaries=3,
            recorded_by="t",
        )
    )
    await make_need(
        session, case=case, estimated_value=Decimal("0.10"), state="fulfilled", fulfilled_at=datetime.now(UTC)
    )
    await make_need(
        session, case=case, estimated_value=Decimal("0.20"), state="fulfilled", fulfilled_at=datetime.now(UTC)
    )
    await make_need(session, case=case)
    # Another league, outside a 1507 admin's view.
    await make_platform(session, level="county_centre", region_code="150102", name="新城区社工服务中心")
    await session.flush()
    return tree


async def test_admin_of_the_league_gets_the_report_figures(
    client: httpx.AsyncClient, settings: Settings, session: AsyncSession
) -> None:
    await _populate(session)
    response = await client.get(
        "/v1/stats", params={**WINDOW, "region": "1507"}, headers=bearer(settings, "civil_affairs_admin", region="1507")
    )
    assert response.status_code == 200, response.text
    stats = response.json()
    assert stats["platforms"] == {"county_centre": 1, "station": 1, "community_room": 1}
    assert (stats["social_workers"], stats["certified_social_workers"]) == (2, 1)
    assert (stats["projects"], stats["brand_projects"]) == (2, 1)
    assert (stats["service_records"], stats["beneficiaries"]) == (1, 3)
    assert stats["needs"] == [{"kind": "micro_wish", "published": 3, "fulfilled": 2, "fulfilled_value": "0.30"}]


async def test_outsiders_may_not_read_statistics(client: httpx.AsyncClient, settings: Settings) -> None:
    response = await client.get("/v1/stats", params=WINDOW, headers=bearer(settings, "app_client"))
    assert response.status_code == 403


async def test_audit_trail_is_for_admins(client: httpx.AsyncClient, settings: Settings, session: AsyncSession) -> None:
    tree = await make_tree(session)
    recipient = await make_recipient(session, platform=tree["station"])
    await client.get(
        f"/v1/recipients/{recipient.id}",
        headers=bearer(settings, "station_staff", platform_id=tree["station"].id, subject="w-9"),
    )
    rows = (
        await client.get(f"/v1/audit?entity_id={recipient.id}", headers=bearer(settings, "civil_affairs_admin"))
    ).json()["items"]
    assert [(r["actor"], r["action"], "id_number" in r["fields"]) for r in rows] == [("w-9", "read_personal", True)]
    assert (
        await client.get("/v1/audit", headers=bearer(settings, "station_staff", platform_id=tree["station"].id))
    ).status_code == 403
