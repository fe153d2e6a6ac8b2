import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.case.models import Need, OutboxEvent
from services.case.needs.service import lapse_and_expire
from services.common.database import Database
from services.common.settings import Settings
from tests.case.factories import make_case, make_need, make_recipient, make_tree
from tests.support.auth import bearer


async def _case(session: AsyncSession, state: str = "intervention"):  # type: ignore[no-untyped-def]
    tree = await make_tree(session)
    recipient = await make_recipient(
        session, platform=tree["room"], name="王秀英", categories=["elderly", "living_alone", "tekun"]
    )
    return tree, await make_case(session, recipient=recipient, state=state)


def wish(case_id: uuid.UUID, **overrides: object) -> dict[str, object]:
    return {
        "case_id": str(case_id),
        "kind": "micro_wish",
        "title": "一台收音机",
        "item_category": "small_appliance",
        "quantity": 1,
        "estimated_value": "89.90",
        **overrides,
    }


async def count_needs(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(Need)) or 0)


class TestPublish:
    async def test_micro_wish_keeps_money_exact(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        tree, case = await _case(session)
        response = await client.post(
            "/v1/needs",
            json=wish(case.id, estimated_value="0.30"),
            headers=bearer(settings, "station_staff", platform_id=tree["station"].id),
        )
        assert response.status_code == 201, response.text
        assert response.json()["estimated_value"] == "0.30" and response.json()["state"] == "open"

    @pytest.mark.parametrize(
        "override",
        [
            {"quantity": -1},
            {"quantity": 0},
            {"item_category": "yacht"},
            {"kind": "wish"},
            {"estimated_value": "-5.00"},
            {"estimated_value": "1.005"},
            {"item_category": None},
            {"amount": "100.00"},  # a micro-wish takes no amount
            {"kind": "care", "visits_per_month": 4},  # care without minutes, with item fields
            {"deadline": "2026-01-01T00:00:00"},  # naive time
            {"deadline": "9999-12-31T23:59:59-14:00"},  # overflows UTC
            {"deadline": "2199-06-01T00:00:00Z"},  # beyond the planning horizon
            {"title": "一台\x00收音机"},
            {"title": "   "},
            {"title": "一台收音机\u0085"},  # a C1 control character
            {"description": "x" * 4001},
        ],
    )
    async def test_bad_input_is_422_and_nothing_is_written(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, override: dict[str, object]
    ) -> None:
        tree, case = await _case(session)
        response = await client.post(
            "/v1/needs",
            json=wish(case.id, **override),
            headers=bearer(settings, "station_staff", platform_id=tree["station"].id),
        )
        assert response.status_code == 422 and response.json()["code"] == "VALIDATION_FAILED"
        assert await count_needs(session) == 0

    async def test_not_from_a_case_at_intake(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        tree, case = await _case(session, state="intake")
        response = await client.post(
            "/v1/needs", json=wish(case.id), headers=bearer(settings, "station_staff", platform_id=tree["station"].id)
        )
        assert response.status_code == 409 and await count_needs(session) == 0

    async def test_care_need_for_a_mongolian_speaking_elder(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        tree, case = await _case(session)
        body = {
            "case_id": str(case.id),
            "kind": "care",
            "title": "每周陪伴聊天",
            "visits_per_month": 4,
            "visit_minutes": 60,
            "skills": ["companionship"],
            "languages": ["mn"],
        }
        response = await client.post(
            "/v1/needs", json=body, headers=bearer(settings, "station_staff", platform_id=tree["station"].id)
        )
        assert response.status_code == 201, response.text
        assert response.json()["languages"] == ["mn"]


class TestLifecycle:
    async def test_hold_confirm_fulfil_close(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        tree, case = await _case(session)
        need = await make_need(session, case=case)
        headers = bearer(settings, "station_staff", platform_id=tree["station"].id)
        until = (datetime.now(UTC) + timedelta(minutes=15)).isoformat()
        held = await client.post(
            f"/v1/needs/{need.id}/hold",
            json={"reference": "hold:1", "until": until},
            headers={**headers, "If-Match": '"1"'},
        )
        assert held.json()["state"] == "pending"
        again = await client.post(
            f"/v1/needs/{need.id}/hold", json={"reference": "hold:1", "until": until}, headers=headers
        )
        assert again.status_code == 200 and again.json()["version"] == held.json()["version"]
        other = await client.post(
            f"/v1/needs/{need.id}/hold", json={"reference": "hold:2", "until": until}, headers=headers
        )
        assert other.status_code == 409
        assert (
            await client.post(f"/v1/needs/{need.id}/confirm", json={"reference": "hold:1"}, headers=headers)
        ).json()["state"] == "matched"
        fulfilled = await client.post(
            f"/v1/needs/{need.id}/fulfil",
            headers=headers,
            json={
                "proof_note": "已送到老人家中",
                "feedback": "谢谢好心人",
            },
        )
        assert fulfilled.json()["state"] == "fulfilled" and fulfilled.json()["fulfilled_at"]
        assert (await client.post(f"/v1/needs/{need.id}/close", headers=headers)).json()["state"] == "closed"

    async def test_fulfil_before_match_is_invalid(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        tree, case = await _case(session)
        need = await make_need(session, case=case)
        response = await client.post(
            f"/v1/needs/{need.id}/fulfil",
            json={"proof_note": "x"},
            headers=bearer(settings, "station_staff", platform_id=tree["station"].id),
        )
        assert response.status_code == 409 and response.json()["code"] == "INVALID_TRANSITION"

    async def test_lapsed_reservation_reopens_and_past_deadline_expires(
        self, session: AsyncSession, rolled_back_db: Database
    ) -> None:
        _, case = await _case(session)
        past = datetime.now(UTC) - timedelta(seconds=1)
        lapsed = await make_need(session, case=case, state="pending", pending_reference="hold:x", pending_until=past)
        overdue = await make_need(session, case=case, deadline=past)
        fresh = await make_need(session, case=case, deadline=datetime.now(UTC) + timedelta(days=3))
        await session.commit()
        assert await lapse_and_expire(rolled_back_db) == 2
        assert await lapse_and_expire(rolled_back_db) == 0
        for need, state in ((lapsed, "open"), (overdue, "expired"), (fresh, "open")):
            await session.refresh(need)
            assert need.state == state
        events = (await session.scalars(select(OutboxEvent.event_type).order_by(OutboxEvent.id))).all()
        assert events == ["need.open", "need.expired"]


class TestOptimisticConcurrency:
    async def test_two_concurrent_updates_of_one_version_one_wins_one_412(
        self, settings: Settings, committed_db: Database
    ) -> None:
        from services.case.app import create_app

        async with committed_db.sessions() as session:
            tree, case = await _case(session)
            need = await make_need(session, case=case, quantity=1)
            await session.commit()
        app = create_app(settings, committed_db)
        headers = {**bearer(settings, "station_staff", platform_id=tree["station"].id), "If-Match": '"1"'}
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://case") as client:
            import asyncio

            responses = await asyncio.gather(
                *(client.patch(f"/v1/needs/{need.id}", json={"quantity": q}, headers=headers) for q in (2, 3))
            )
        assert sorted(r.status_code for r in responses) == [200, 412]
        winner = next(r for r in responses if r.status_code == 200).json()
        async with committed_db.sessions() as session:
            stored = await session.get(Need, need.id)
            assert stored is not None and (stored.quantity, stored.version) == (winner["quantity"], 2)


class TestTextIsStorable:
    async def test_a_proof_note_with_a_nul_is_422(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        tree, case = await _case(session)
        need = await make_need(session, case=case, state="matched")
        response = await client.post(
            f"/v1/needs/{need.id}/fulfil",
            json={"proof_note": "送到了\x00", "feedback": "谢谢"},
            headers=bearer(settings, "station_staff", platform_id=tree["station"].id),
        )
        assert response.status_code == 422
        await session.refresh(need)
        assert need.state == "matched" and need.proof_note is None
