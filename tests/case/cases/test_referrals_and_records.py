import uuid
from datetime import date, timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.settings import Settings
from tests.case.factories import make_case, make_platform, make_recipient, make_staff, make_tree
from tests.support.auth import bearer


async def _setup(session: AsyncSession, state: str = "intervention"):  # type: ignore[no-untyped-def]
    tree = await make_tree(session)
    recipient = await make_recipient(session, platform=tree["station"])
    case = await make_case(session, recipient=recipient, state=state)
    return tree, case


class TestReferrals:
    async def test_closed_loop_declined_returns_the_case_where_it_was(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        tree, case = await _setup(session, "planning")
        headers = bearer(settings, "station_staff", platform_id=tree["station"].id)
        sent = await client.post(
            f"/v1/cases/{case.id}/referrals",
            json={"to_agency": "满洲里市残联", "reason": "需要康复辅具评估"},
            headers=headers,
        )
        assert sent.status_code == 201 and sent.json()["state"] == "sent"
        assert (await client.get(f"/v1/cases/{case.id}", headers=headers)).json()["state"] == "referred"
        declined = await client.post(
            f"/v1/referrals/{sent.json()['id']}/decline", json={"outcome": "名额已满"}, headers=headers
        )
        assert declined.json()["state"] == "declined"
        assert (await client.get(f"/v1/cases/{case.id}", headers=headers)).json()["state"] == "planning"

    async def test_accepted_then_completed_returns_the_case_where_it_was_not_to_evaluation(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        tree, case = await _setup(session)
        headers = bearer(settings, "station_staff", platform_id=tree["station"].id)
        referral = (
            await client.post(
                f"/v1/cases/{case.id}/referrals", json={"to_agency": "医院", "reason": "就医"}, headers=headers
            )
        ).json()
        assert (
            await client.post(f"/v1/referrals/{referral['id']}/complete", json={}, headers=headers)
        ).status_code == 409
        await client.post(f"/v1/referrals/{referral['id']}/accept", json={}, headers=headers)
        done = await client.post(
            f"/v1/referrals/{referral['id']}/complete", json={"outcome": "已完成治疗"}, headers=headers
        )
        assert done.json()["state"] == "completed"
        # The station's own intervention goes on; the worker moves the case to evaluation (issue 17).
        assert (await client.get(f"/v1/cases/{case.id}", headers=headers)).json()["state"] == "intervention"

    async def test_a_case_at_intake_cannot_be_referred(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        tree, case = await _setup(session, "intake")
        response = await client.post(
            f"/v1/cases/{case.id}/referrals",
            json={"to_agency": "x", "reason": "y"},
            headers=bearer(settings, "station_staff", platform_id=tree["station"].id),
        )
        assert response.status_code == 409 and response.json()["code"] == "INVALID_TRANSITION"


class TestServiceRecords:
    async def test_record_counts_beneficiaries_with_worker(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        tree, case = await _setup(session)
        worker = await make_staff(session, platform=tree["station"], certification="social_worker")
        headers = bearer(settings, "station_staff", platform_id=tree["station"].id)
        created = await client.post(
            f"/v1/cases/{case.id}/records",
            json={
                "kind": "home_visit",
                "served_on": date.today().isoformat(),
                "worker_id": str(worker.id),
                "beneficiaries": 2,
            },
            headers=headers,
        )
        assert created.status_code == 201, created.text
        listed = (await client.get(f"/v1/cases/{case.id}/records", headers=headers)).json()
        assert [(r["kind"], r["beneficiaries"]) for r in listed] == [("home_visit", 2)]

    async def test_future_date_negative_count_unknown_kind_and_foreign_worker_are_refused(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        tree, case = await _setup(session)
        elsewhere = await make_platform(session, level="county_centre", region_code="150782", name="牙克石")
        stranger = await make_staff(session, platform=elsewhere)
        headers = bearer(settings, "station_staff", platform_id=tree["station"].id)
        today = date.today()
        bad = [
            ({"kind": "home_visit", "served_on": (today + timedelta(days=2)).isoformat()}, 400),
            ({"kind": "home_visit", "served_on": today.isoformat(), "beneficiaries": -1}, 422),
            ({"kind": "dancing", "served_on": today.isoformat()}, 422),
            ({"kind": "home_visit", "served_on": today.isoformat(), "worker_id": str(stranger.id)}, 400),
        ]
        for body, status in bad:
            assert (await client.post(f"/v1/cases/{case.id}/records", json=body, headers=headers)).status_code == status
        assert (await client.get(f"/v1/cases/{case.id}/records", headers=headers)).json() == []

    async def test_other_station_gets_404_for_the_case(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        tree, case = await _setup(session)
        other = await make_platform(session, parent=tree["centre"], region_code="150781002")
        response = await client.get(
            f"/v1/cases/{case.id}", headers=bearer(settings, "station_staff", platform_id=other.id)
        )
        assert response.status_code == 404
        response = await client.get(
            f"/v1/cases/{uuid.uuid4()}", headers=bearer(settings, "station_staff", platform_id=other.id)
        )
        assert response.status_code == 404


class TestBatchReads:
    async def test_records_referrals_and_transitions_by_id_for_their_station_only(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        tree, case = await _setup(session)
        headers = bearer(settings, "station_staff", platform_id=tree["station"].id)
        record = await client.post(
            f"/v1/cases/{case.id}/records",
            json={"kind": "home_visit", "served_on": date.today().isoformat()},
            headers=headers,
        )
        referral = await client.post(
            f"/v1/cases/{case.id}/referrals", json={"to_agency": "医院", "reason": "就医"}, headers=headers
        )
        history = await client.get(f"/v1/cases/{case.id}/transitions", headers=headers)
        ids = {
            "service-records": record.json()["id"],
            "referrals": referral.json()["id"],
            "case-transitions": history.json()[-1]["id"],
        }
        other = bearer(settings, "station_staff", platform_id=uuid.uuid4())
        for resource, id_ in ids.items():
            mine = await client.get(f"/v1/{resource}:batch", params={"ids": f"{id_},{uuid.uuid4()}"}, headers=headers)
            assert [item["id"] for item in mine.json()["items"]] == [id_]
            theirs = await client.get(f"/v1/{resource}:batch", params={"ids": id_}, headers=other)
            assert theirs.json()["items"] == []
