"""Closing a case decides every open need in the same request (issue 17)."""

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.case.models import Need
from services.common.settings import Settings
from tests.case.factories import make_case, make_need, make_recipient, make_tree
from tests.support.auth import bearer


async def _closable(session: AsyncSession, settings: Settings) -> tuple[str, list[Need], dict[str, str]]:
    tree = await make_tree(session)
    recipient = await make_recipient(session, platform=tree["station"])
    case = await make_case(session, recipient=recipient, state="evaluation")
    needs = [
        await make_need(session, case=case, title="一床棉被"),
        await make_need(session, case=case, title="每周理发", state="matched"),
        await make_need(session, case=case, title="已实现", state="fulfilled"),
    ]
    headers = bearer(settings, "station_staff", platform_id=str(tree["station"].id))
    return str(case.id), needs, headers


class TestClose:
    async def test_undecided_open_needs_refuse_the_close_with_their_list(
        self, client: httpx.AsyncClient, session: AsyncSession, settings: Settings
    ) -> None:
        case_id, needs, headers = await _closable(session, settings)
        decided = [{"need_id": str(needs[0].id), "decision": "cancel"}]
        response = await client.post(
            f"/v1/cases/{case_id}/transitions", json={"to_state": "closed", "needs": decided}, headers=headers
        )
        assert response.status_code == 409, response.text
        body = response.json()
        assert body["code"] == "UNDECIDED_NEEDS"
        assert [n["id"] for n in body["undecided"]] == [str(needs[1].id)]
        assert "每周理发" in body["detail_zh"] and body["detail"]
        await session.refresh(needs[0])
        assert needs[0].state == "open"  # nothing happened

    async def test_keep_needs_a_reason(
        self, client: httpx.AsyncClient, session: AsyncSession, settings: Settings
    ) -> None:
        case_id, needs, headers = await _closable(session, settings)
        decided = [{"need_id": str(needs[0].id), "decision": "keep"}]
        response = await client.post(
            f"/v1/cases/{case_id}/transitions", json={"to_state": "closed", "needs": decided}, headers=headers
        )
        assert response.status_code == 422
        assert [e["loc"] for e in response.json()["errors"]] == [["body", "needs", 0, "reason"]]

    async def test_decisions_are_carried_out_with_the_close(
        self, client: httpx.AsyncClient, session: AsyncSession, settings: Settings
    ) -> None:
        case_id, needs, headers = await _closable(session, settings)
        decided = [
            {"need_id": str(needs[0].id), "decision": "keep", "reason": "捐赠方已发货"},
            {"need_id": str(needs[1].id), "decision": "cancel", "reason": "老人迁居"},
        ]
        response = await client.post(
            f"/v1/cases/{case_id}/transitions", json={"to_state": "closed", "needs": decided}, headers=headers
        )
        assert response.status_code == 200, response.text
        assert response.json()["state"] == "closed"
        states = dict(
            (await session.execute(select(Need.title, Need.state).where(Need.case_id == needs[0].case_id))).all()
        )
        assert states == {"一床棉被": "open", "每周理发": "cancelled", "已实现": "fulfilled"}
        history = (await client.get(f"/v1/cases/{case_id}/transitions", headers=headers)).json()
        assert "保留「一床棉被」：捐赠方已发货" in history[-1]["note"]

    async def test_a_need_of_another_case_is_refused(
        self, client: httpx.AsyncClient, session: AsyncSession, settings: Settings
    ) -> None:
        case_id, needs, headers = await _closable(session, settings)
        _, other, _ = await _closable(session, settings)
        decided = [{"need_id": str(n.id), "decision": "cancel"} for n in [needs[0], needs[1], other[0]]]
        response = await client.post(
            f"/v1/cases/{case_id}/transitions", json={"to_state": "closed", "needs": decided}, headers=headers
        )
        assert response.status_code == 400
