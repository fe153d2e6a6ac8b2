"""A list's `total` (with_total=true): every row the filters match in the caller's scope, not the page's."""

import uuid

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.settings import Settings
from tests.case.factories import make_case, make_id_number, make_need, make_recipient, make_tree
from tests.support.auth import bearer


async def test_lists_count_what_the_caller_may_read_when_asked(
    client: httpx.AsyncClient, settings: Settings, session: AsyncSession
) -> None:
    tree = await make_tree(session)
    for n in range(3):
        recipient = await make_recipient(session, platform=tree["station"], id_number=make_id_number(serial=700 + n))
        case = await make_case(session, recipient=recipient, state="intervention")
        await make_need(session, case=case, state="open" if n else "matched")
    mine = bearer(settings, "station_staff", platform_id=tree["station"].id)
    other = bearer(settings, "station_staff", platform_id=uuid.uuid4())
    for resource, expected in (("needs", 3), ("cases", 3), ("recipients", 3)):
        page = (await client.get(f"/v1/{resource}", params={"limit": 2, "with_total": "true"}, headers=mine)).json()
        assert (len(page["items"]), page["total"]) == (2, expected)
        assert (await client.get(f"/v1/{resource}", params={"limit": 2}, headers=mine)).json()["total"] is None
        theirs = await client.get(f"/v1/{resource}", params={"with_total": "true"}, headers=other)
        assert theirs.json()["total"] == 0
    open_only = await client.get("/v1/needs", params={"state": "open", "with_total": "true"}, headers=mine)
    assert open_only.json()["total"] == 2


async def test_a_list_read_backwards_meets_the_forward_pages(
    client: httpx.AsyncClient, settings: Settings, session: AsyncSession
) -> None:
    tree = await make_tree(session)
    for n in range(5):
        recipient = await make_recipient(session, platform=tree["station"], id_number=make_id_number(serial=720 + n))
        await make_case(session, recipient=recipient)
    mine = bearer(settings, "station_staff", platform_id=tree["station"].id)
    everything = [c["id"] for c in (await client.get("/v1/cases", params={"limit": 10}, headers=mine)).json()["items"]]
    assert len(everything) == 5
    last = (await client.get("/v1/cases", params={"limit": 2, "before": ""}, headers=mine)).json()
    assert [c["id"] for c in last["items"]] == everything[3:]
    assert last["next_cursor"] is None and last["previous_cursor"] is not None
    earlier = await client.get("/v1/cases", params={"limit": 2, "before": last["previous_cursor"]}, headers=mine)
    assert [c["id"] for c in earlier.json()["items"]] == everything[1:3]
    first = await client.get(
        "/v1/cases", params={"limit": 2, "before": earlier.json()["previous_cursor"]}, headers=mine
    )
    assert [c["id"] for c in first.json()["items"]] == everything[:1] and first.json()["previous_cursor"] is None
    onwards = await client.get("/v1/cases", params={"limit": 2, "cursor": earlier.json()["next_cursor"]}, headers=mine)
    assert [c["id"] for c in onwards.json()["items"]] == everything[3:]
    both = await client.get("/v1/cases", params={"cursor": last["previous_cursor"], "before": ""}, headers=mine)
    assert both.status_code == 400
