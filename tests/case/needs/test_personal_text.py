"""Texts outsiders read of a need (title, proof note, feedback) are refused with personal data in them."""

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.settings import Settings
from tests.case.factories import make_case, make_id_number, make_need, make_recipient, make_tree
from tests.case.needs.test_lifecycle import wish
from tests.support.auth import bearer


async def _setting(session: AsyncSession, settings: Settings):  # type: ignore[no-untyped-def]
    tree = await make_tree(session)
    recipient = await make_recipient(
        session, platform=tree["room"], name="王秀英", address="满洲里市东山街道幸福小区3号楼"
    )
    case = await make_case(session, recipient=recipient, state="intervention")
    return bearer(settings, "station_staff", platform_id=tree["station"].id), case


class TestPublish:
    @pytest.mark.parametrize(
        ("title", "found"),
        [
            ("给王秀英的收音机", ["name"]),
            (f"收音机 {make_id_number()}", ["id_number"]),
            ("收音机 171-2345-6789", ["phone"]),
        ],
    )
    async def test_refuses_a_title_with_personal_data(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, title: str, found: list[str]
    ) -> None:
        headers, case = await _setting(session, settings)
        response = await client.post("/v1/needs", json=wish(case.id, title=title), headers=headers)
        assert response.status_code == 422, response.text
        body = response.json()
        assert (body["code"], body["field"], body["found"]) == ("PERSONAL_DATA_IN_TEXT", "title", found)
        assert body["detail"] and body["detail_zh"]

    async def test_refuses_an_edit_naming_the_recipient(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        headers, case = await _setting(session, settings)
        need = await make_need(session, case=case)
        response = await client.patch(
            f"/v1/needs/{need.id}", json={"title": "秀英的收音机"}, headers={**headers, "If-Match": '"1"'}
        )
        assert response.status_code == 422 and response.json()["field"] == "title"


class TestFulfil:
    @pytest.mark.parametrize(
        ("proof", "field"),
        [
            ({"proof_note": "已送到幸福小区3号楼"}, "proof_note"),
            ({"proof_note": "已送达", "feedback": "王秀英谢谢大家，电话13812345678"}, "feedback"),
        ],
    )
    async def test_refuses_proof_with_personal_data(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, proof: dict[str, str], field: str
    ) -> None:
        headers, case = await _setting(session, settings)
        need = await make_need(session, case=case, state="matched", matched_reference="hold:1")
        response = await client.post(f"/v1/needs/{need.id}/fulfil", json=proof, headers=headers)
        assert response.status_code == 422, response.text
        assert (response.json()["code"], response.json()["field"]) == ("PERSONAL_DATA_IN_TEXT", field)
        state = (await client.get(f"/v1/needs/{need.id}", headers=headers)).json()["state"]
        assert state == "matched"  # nothing was written

    async def test_accepts_proof_without_personal_data(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        headers, case = await _setting(session, settings)
        need = await make_need(session, case=case, state="matched", matched_reference="hold:1")
        response = await client.post(
            f"/v1/needs/{need.id}/fulfil",
            json={"proof_note": "社工与捐赠方一同上门送达，服务对象签收。", "feedback": "谢谢社工和好心人！"},
            headers=headers,
        )
        assert response.status_code == 200, response.text
