"""Bad case, transition, record and referral input is a 422 naming the field, and writes nothing."""

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.case.models import AuditEntry, Case, CaseTransition, Referral, ServiceRecord
from services.common.settings import Settings
from tests.case.factories import make_case, make_recipient, make_tree
from tests.support.auth import bearer
from tests.support.validation import UNSTORABLE, assert_refused, send_json


async def written(session: AsyncSession) -> tuple[int, ...]:
    models = (Case, CaseTransition, ServiceRecord, Referral, AuditEntry)
    return tuple([int(await session.scalar(select(func.count()).select_from(m)) or 0) for m in models])


async def setup(session: AsyncSession, settings: Settings, state: str = "planning") -> tuple[Case, dict[str, str]]:
    tree = await make_tree(session)
    recipient = await make_recipient(session, platform=tree["station"])
    case = await make_case(session, recipient=recipient, state=state, summary="独居，行动不便")
    return case, bearer(settings, "station_staff", platform_id=tree["station"].id)


def requests(case: Case) -> dict[str, tuple[str, str, dict[str, object]]]:
    """Each free-text field of the case API -> (method, path, a body that is valid as it stands)."""
    return {
        "summary": ("POST", "/v1/cases", {"recipient_id": str(case.recipient_id), "domain": "elderly", "summary": "x"}),
        "note": ("POST", f"/v1/cases/{case.id}/transitions", {"to_state": "intervention", "note": "x"}),
        "record.note": (
            "POST",
            f"/v1/cases/{case.id}/records",
            {"kind": "home_visit", "served_on": "2026-11-02", "note": "x"},
        ),
        "to_agency": ("POST", f"/v1/cases/{case.id}/referrals", {"to_agency": "x", "reason": "需要康复评估"}),
        "reason": ("POST", f"/v1/cases/{case.id}/referrals", {"to_agency": "满洲里市残联", "reason": "x"}),
    }


FIELDS = ["summary", "note", "record.note", "to_agency", "reason"]


class TestFreeText:
    @pytest.mark.parametrize("text", UNSTORABLE)
    @pytest.mark.parametrize("name", FIELDS)
    async def test_unstorable_text_is_refused(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, name: str, text: str
    ) -> None:
        case, headers = await setup(session, settings)
        method, path, body = requests(case)[name]
        field = name.rpartition(".")[2]
        before = await written(session)
        response = await send_json(client, method, path, {**body, field: text}, headers)
        assert_refused(response, "body", field)
        assert await written(session) == before

    @pytest.mark.parametrize(
        ("name", "limit"), [("summary", 4000), ("note", 2000), ("to_agency", 200), ("reason", 2000)]
    )
    async def test_overlong_text_is_refused(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, name: str, limit: int
    ) -> None:
        case, headers = await setup(session, settings)
        method, path, body = requests(case)[name]
        before = await written(session)
        response = await client.request(method, path, json={**body, name: "字" * (limit + 1)}, headers=headers)
        assert_refused(response, "body", name)
        assert await written(session) == before

    @pytest.mark.parametrize("name", ["to_agency", "reason"])
    async def test_a_blank_referral_is_refused(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, name: str
    ) -> None:
        case, headers = await setup(session, settings)
        method, path, body = requests(case)[name]
        before = await written(session)
        response = await client.request(method, path, json={**body, name: " \n "}, headers=headers)
        assert_refused(response, "body", name)
        assert await written(session) == before

    async def test_a_multiline_note_is_kept(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        case, headers = await setup(session, settings)
        note = "一、入户走访\n\t老人精神状态良好\r\n二、下次回访"
        response = await client.post(
            f"/v1/cases/{case.id}/records",
            json={"kind": "home_visit", "served_on": "2026-11-02", "note": note},
            headers=headers,
        )
        assert response.status_code == 201, response.text
        assert response.json()["note"] == note

    @pytest.mark.parametrize("text", UNSTORABLE)
    async def test_a_referral_outcome_is_refused_and_the_referral_stays_sent(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, text: str
    ) -> None:
        case, headers = await setup(session, settings)
        sent = await client.post(
            f"/v1/cases/{case.id}/referrals",
            json={"to_agency": "满洲里市残联", "reason": "需要康复评估"},
            headers=headers,
        )
        before = await written(session)
        response = await send_json(
            client, "POST", f"/v1/referrals/{sent.json()['id']}/decline", {"outcome": text}, headers
        )
        assert_refused(response, "body", "outcome")
        assert await written(session) == before
        referral = await session.get(Referral, sent.json()["id"])
        assert referral is not None and referral.state == "sent"


class TestUpdate:
    @pytest.mark.parametrize("change", [{"summary": "独居\x00"}, {"state": "closed"}, {"region_code": "150782"}])
    async def test_bad_change_is_refused_and_the_case_stays(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, change: dict[str, object]
    ) -> None:
        case, headers = await setup(session, settings)
        before = (case.summary_encrypted, case.state, case.region_code, case.version, await written(session))
        response = await client.patch(f"/v1/cases/{case.id}", json=change, headers={**headers, "If-Match": '"1"'})
        assert_refused(response, "body", next(iter(change)))
        await session.refresh(case)
        assert (case.summary_encrypted, case.state, case.region_code, case.version, await written(session)) == before
