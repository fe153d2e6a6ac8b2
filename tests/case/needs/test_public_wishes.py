import uuid
from datetime import UTC, date, datetime

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.clock import clock
from services.common.settings import Settings
from tests.case.factories import make_case, make_need, make_recipient, make_tree
from tests.support.auth import bearer

PERSONAL = ("王秀英", "13812345678", "幸福小区")


async def _wishes(session: AsyncSession):  # type: ignore[no-untyped-def]
    tree = await make_tree(session)
    recipient = await make_recipient(
        session, platform=tree["room"], name="王秀英", categories=["elderly", "empty_nest", "living_alone"]
    )
    case = await make_case(session, recipient=recipient, state="intervention")
    open_wish = await make_need(session, case=case, title="一台收音机")
    await make_need(session, case=case, title="棉被", item_category="bedding", state="pending")
    return tree, recipient, open_wish


async def test_feed_shows_only_open_wishes_anonymised(client: httpx.AsyncClient, session: AsyncSession) -> None:
    _, _, open_wish = await _wishes(session)
    response = await client.get("/v1/public-wishes?region=1507")
    assert response.status_code == 200
    items = response.json()["items"]
    assert [w["id"] for w in items] == [str(open_wish.id)]
    wish = items[0]
    # Two published wishes of one person: anything more than the county would point at her.
    assert wish["display"] == "服务对象，心愿：一台收音机" and wish["masked_name"] == "**"
    assert (wish["age"], wish["age_band"], wish["categories"], wish["project_name"]) == (None, None, [], None)
    assert wish["county_code"] == "150781" and wish["county_name"] == "满洲里市"
    assert not any(value in response.text for value in PERSONAL)
    assert "recipient_id" not in wish and "case_id" not in wish and "description" not in wish


async def test_where_enough_wishes_share_it_the_feed_says_more(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    tree = await make_tree(session)
    for name in ("王秀英", "巴特尔", "李桂兰"):
        elder = await make_recipient(session, platform=tree["room"], name=name, birth_date=date(1948, 3, 5))
        case = await make_case(session, recipient=elder, state="intervention")
        await make_need(session, case=case, title="一台收音机")
    with clock.frozen(datetime(2026, 12, 1, 2, tzinfo=UTC)):
        items = (await client.get("/v1/public-wishes?region=1507")).json()["items"]
    assert [w["display"] for w in items] == ["70多岁独居老人，心愿：一台收音机"] * 3
    assert {(w["age"], w["age_band"], tuple(w["categories"])) for w in items} == {(70, "70多岁", ("living_alone",))}
    assert not any(name in str(items) or name[:1] + "*" in str(items) for name in ("王秀英", "巴特尔", "李桂兰"))


@pytest.mark.parametrize("role", ["org_staff", "app_client", "volunteer"])
async def test_outsiders_see_public_wishes_but_no_need(
    client: httpx.AsyncClient, settings: Settings, session: AsyncSession, role: str
) -> None:
    _, _, open_wish = await _wishes(session)
    headers = bearer(settings, role, org_id=uuid.uuid4(), scopes=["wishes:read"])
    assert (await client.get(f"/v1/needs/{open_wish.id}", headers=headers)).status_code == 404
    assert (await client.get("/v1/needs", headers=headers)).json()["items"] == []
    assert (await client.get(f"/v1/public-wishes/{open_wish.id}", headers=headers)).status_code == 200


async def test_region_filter_excludes_other_counties(client: httpx.AsyncClient, session: AsyncSession) -> None:
    await _wishes(session)
    assert (await client.get("/v1/public-wishes?region=1501")).json()["items"] == []


async def test_cancelled_wish_is_not_public(client: httpx.AsyncClient, session: AsyncSession) -> None:
    tree = await make_tree(session)
    recipient = await make_recipient(session, platform=tree["room"])
    case = await make_case(session, recipient=recipient, state="intervention")
    cancelled = await make_need(session, case=case, state="cancelled")
    assert (await client.get(f"/v1/public-wishes/{cancelled.id}")).status_code == 404
