"""Every transition of the service process over HTTP: the allowed ones succeed, all others are refused."""

import itertools

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.case.cases.state_machine import DIRECT
from services.case.models import Case, CaseTransition
from services.common.settings import Settings
from services.common.vocabulary import CaseState
from tests.case.factories import make_case, make_recipient, make_tree
from tests.support.auth import bearer

ALL_PAIRS = list(itertools.product(CaseState, CaseState))
ILLEGAL = [(a, b) for a, b in ALL_PAIRS if b not in DIRECT[a]]
LEGAL = [(a, b) for a, b in ALL_PAIRS if b in DIRECT[a]]


async def _case_in(session: AsyncSession, state: CaseState) -> tuple[Case, dict[str, str]]:
    tree = await make_tree(session)
    recipient = await make_recipient(session, platform=tree["station"])
    case = await make_case(session, recipient=recipient, state=state.value)
    return case, {"station": str(tree["station"].id)}


@pytest.mark.parametrize(("current", "target"), ILLEGAL, ids=[f"{a.value}->{b.value}" for a, b in ILLEGAL])
async def test_illegal_transition_is_refused_with_a_clear_code(
    client: httpx.AsyncClient, settings: Settings, session: AsyncSession, current: CaseState, target: CaseState
) -> None:
    case, ids = await _case_in(session, current)
    response = await client.post(
        f"/v1/cases/{case.id}/transitions",
        json={"to_state": target.value},
        headers=bearer(settings, "station_staff", platform_id=ids["station"]),
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "INVALID_TRANSITION"
    assert body["current_state"] == current.value
    assert body["detail_zh"]
    await session.refresh(case)
    assert case.state == current.value and case.version == 1
    assert (await session.scalars(select(CaseTransition).where(CaseTransition.case_id == case.id))).all() == []


@pytest.mark.parametrize(("current", "target"), LEGAL, ids=[f"{a.value}->{b.value}" for a, b in LEGAL])
async def test_allowed_transition_is_kept_with_actor_and_note(
    client: httpx.AsyncClient, settings: Settings, session: AsyncSession, current: CaseState, target: CaseState
) -> None:
    case, ids = await _case_in(session, current)
    response = await client.post(
        f"/v1/cases/{case.id}/transitions",
        json={"to_state": target.value, "note": "入户评估完成"},
        headers=bearer(settings, "station_staff", platform_id=ids["station"], subject="worker-7"),
    )
    assert response.status_code == 200, response.text
    assert response.json()["state"] == target.value
    assert (response.json()["closed_at"] is not None) == (target is CaseState.CLOSED)
    history = (
        await client.get(
            f"/v1/cases/{case.id}/transitions", headers=bearer(settings, "station_staff", platform_id=ids["station"])
        )
    ).json()
    assert [(h["from_state"], h["to_state"], h["actor"], h["note"]) for h in history] == [
        (current.value, target.value, "worker-7", "入户评估完成")
    ]


async def test_full_service_process_from_intake_to_follow_up(
    client: httpx.AsyncClient, settings: Settings, session: AsyncSession
) -> None:
    tree = await make_tree(session)
    recipient = await make_recipient(session, platform=tree["room"])
    headers = bearer(settings, "station_staff", platform_id=tree["station"].id)
    opened = await client.post(
        "/v1/cases", json={"recipient_id": str(recipient.id), "domain": "elderly"}, headers=headers
    )
    assert opened.status_code == 201 and opened.json()["state"] == "intake"
    assert opened.json()["allowed_transitions"] == ["assessment", "closed"]
    case_id = opened.json()["id"]
    for target in ("assessment", "planning", "intervention", "evaluation", "closed", "follow_up", "closed"):
        response = await client.post(f"/v1/cases/{case_id}/transitions", json={"to_state": target}, headers=headers)
        assert response.status_code == 200, (target, response.text)
    assert len((await client.get(f"/v1/cases/{case_id}/transitions", headers=headers)).json()) == 7
