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
