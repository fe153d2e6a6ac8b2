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


async def test_a_duplicate_id_outside_the_callers_scope_names_only_whom_to_contact(
    client: httpx.AsyncClient, settings: Settings, session: AsyncSession
) -> None:
    from tests.case.factories import make_id_number
    from tests.case.recipients.test_endpoints import BIRTH, new_recipient

    here = await make_tree(session)
    elsewhere = await make_tree(session, county="150782")
    elsewhere["station"].phone = "0470-6221234"
    id_number = make_id_number("150782", BIRTH, 9)
    existing = await make_recipient(session, platform=elsewhere["station"], id_number=id_number, birth_date=BIRTH)
    await session.flush()
    body = new_recipient(here["station"].id, id_number=id_number)
    response = await client.post(
        "/v1/recipients", json=body, headers=bearer(settings, "station_staff", platform_id=here["station"].id)
    )
    assert response.status_code == 409
    problem = response.json()
    assert problem["code"] == "RECIPIENT_RECORDED_ELSEWHERE"
    assert "existing" not in problem and str(existing.id) not in response.text
    assert existing.name[:1] + "*" not in response.text
    assert problem["registered_by"] == {"platform_name": elsewhere["station"].name, "phone": "0470-6221234"}
