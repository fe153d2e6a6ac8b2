import uuid

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

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
    assert wish["display"].startswith("王**，") and wish["display"].endswith("独居老人，心愿：一台收音机")
    assert wish["county_code"] == "150781" and wish["county_name"] == "满洲里市"
    assert not any(value in response.text for value in PERSONAL)
    assert "recipient_id" not in wish and "case_id" not in wish and "description" not in wish


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
