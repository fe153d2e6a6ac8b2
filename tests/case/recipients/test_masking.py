"""A masked view masks every personal field, the guardian who consented included."""

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.settings import Settings
from tests.case.factories import make_recipient, make_tree
from tests.support.auth import bearer


async def test_a_guardians_name_is_masked_for_civil_affairs_and_shown_to_the_station(
    client: httpx.AsyncClient, settings: Settings, session: AsyncSession
) -> None:
    tree = await make_tree(session)
    child = await make_recipient(session, platform=tree["station"], name="乌兰")
    child.consent = {**child.consent, "given_by": "巴特尔（监护人）"}
    oneself = await make_recipient(session, platform=tree["station"], name="王秀英")
    await session.flush()
    admin = bearer(settings, "civil_affairs_admin", region="15")
    station = bearer(settings, "station_staff", platform_id=tree["station"].id)

    masked = (await client.get(f"/v1/recipients/{child.id}", headers=admin)).json()
    assert masked["masked"] is True and masked["consent"]["given_by"] == "巴**（监护人）"
    assert "巴特尔" not in (await client.get("/v1/recipients", headers=admin)).text
    shown = (await client.get(f"/v1/recipients/{child.id}", headers=station)).json()
    assert shown["consent"]["given_by"] == "巴特尔（监护人）"
    assert (await client.get(f"/v1/recipients/{oneself.id}", headers=admin)).json()["consent"]["given_by"] == "本人"
