"""Corrections are reversing entries, once; every donation has a receipt number and a printable receipt."""

import asyncio
import uuid
from decimal import Decimal

import httpx
from sqlalchemy.ext.asyncio import AsyncConnection

from services.common.clock import beijing, clock
from services.common.database import Database
from services.common.settings import Settings
from services.resources.models import Organization
from tests.resources.factories import make_offer, make_organization
from tests.resources.funds.test_ledger import balances, disbursement, staff


def donation(amount: str, reference: str, donor: str = "王小明") -> dict[str, object]:
    return {"kind": "donation", "amount": amount, "donor_name": donor, "donor_is_individual": True,
            "reference": reference}  # fmt: skip


async def _fund(db: Database) -> tuple[Organization, str]:
    foundation = await make_organization(db, kind="community_foundation")
    fund = await make_offer(db, foundation, kind="fund", total=Decimal("0"))
    return foundation, str(fund.id)


class TestReverse:
    async def test_a_donation_is_reversed_once_by_an_opposite_entry(
        self, client: httpx.AsyncClient, settings: Settings, rolled_back_db: Database, connection: AsyncConnection
    ) -> None:
        foundation, fund_id = await _fund(rolled_back_db)
        headers = staff(settings, foundation)
        booked = await client.post(f"/v1/funds/{fund_id}/entries", json=donation("500.00", "WX-1"), headers=headers)
        original = booked.json()
        path = f"/v1/funds/{fund_id}/entries/{original['id']}/reverse"
        reversed_ = await client.post(path, json={"reason": "重复登记"}, headers=headers)
        assert reversed_.status_code == 201, reversed_.text
        entry = reversed_.json()
        assert (entry["kind"], entry["amount"], entry["reverses_id"]) == ("reversal", "-500.00", original["id"])
        assert await balances(connection, uuid.UUID(fund_id)) == (Decimal("0.00"), Decimal("0.00"))
        again = await client.post(path, json={"reason": "再来一次"}, headers=headers)
        assert again.status_code == 409
        assert again.json()["code"] == "ALREADY_REVERSED"
        assert again.json()["detail_zh"]
        listed = (await client.get(f"/v1/funds/{fund_id}/entries", headers=headers)).json()["items"]
        assert sorted(e["amount"] for e in listed) == ["-500.00", "500.00"]  # the original is kept as booked

    async def test_a_disbursement_reversed_gives_the_money_back(
        self, client: httpx.AsyncClient, settings: Settings, rolled_back_db: Database, connection: AsyncConnection
    ) -> None:
        foundation, fund_id = await _fund(rolled_back_db)
        headers = staff(settings, foundation)
        await client.post(f"/v1/funds/{fund_id}/entries", json=donation("100.00", "WX-2"), headers=headers)
        paid = (await client.post(f"/v1/funds/{fund_id}/entries", json=disbursement("80.00"), headers=headers)).json()
        response = await client.post(
            f"/v1/funds/{fund_id}/entries/{paid['id']}/reverse", json={"reason": "付错账户"}, headers=headers
        )
        assert response.status_code == 201, response.text
        offer = (await client.get(f"/v1/offers/{fund_id}", headers=headers)).json()
        assert offer["money"]["available"] == "100.00"
        assert await balances(connection, uuid.UUID(fund_id)) == (Decimal("100.00"), Decimal("100.00"))

    async def test_a_reversal_is_not_reversed_and_a_spent_donation_cannot_be(
        self, client: httpx.AsyncClient, settings: Settings, rolled_back_db: Database
    ) -> None:
        foundation, fund_id = await _fund(rolled_back_db)
        headers = staff(settings, foundation)
        gift = (
            await client.post(f"/v1/funds/{fund_id}/entries", json=donation("50.00", "WX-3"), headers=headers)
        ).json()
        await client.post(f"/v1/funds/{fund_id}/entries", json=disbursement("40.00"), headers=headers)
        spent = await client.post(
            f"/v1/funds/{fund_id}/entries/{gift['id']}/reverse", json={"reason": "x"}, headers=headers
        )
        assert spent.status_code == 409 and spent.json()["code"] == "OVER_ALLOCATED"
        other = (
            await client.post(f"/v1/funds/{fund_id}/entries", json=donation("5.00", "WX-4"), headers=headers)
        ).json()
        reversal = (
            await client.post(
                f"/v1/funds/{fund_id}/entries/{other['id']}/reverse", json={"reason": "x"}, headers=headers
            )
        ).json()
        refused = await client.post(
            f"/v1/funds/{fund_id}/entries/{reversal['id']}/reverse", json={"reason": "x"}, headers=headers
        )
        assert refused.status_code == 409 and refused.json()["code"] == "NOT_REVERSIBLE"

    async def test_another_organisation_cannot_reverse(
        self, client: httpx.AsyncClient, settings: Settings, rolled_back_db: Database
    ) -> None:
        foundation, fund_id = await _fund(rolled_back_db)
        gift = (
            await client.post(
                f"/v1/funds/{fund_id}/entries", json=donation("5.00", "WX-5"), headers=staff(settings, foundation)
            )
        ).json()
        stranger = await make_organization(rolled_back_db, kind="community_foundation")
        response = await client.post(
            f"/v1/funds/{fund_id}/entries/{gift['id']}/reverse", json={"reason": "x"}, headers=staff(settings, stranger)
        )
        assert response.status_code in (403, 404)


class TestReceipts:
    async def test_donations_are_numbered_per_fund_and_beijing_year(
        self, client: httpx.AsyncClient, settings: Settings, rolled_back_db: Database
    ) -> None:
        foundation, fund_id = await _fund(rolled_back_db)
        other, other_fund = await _fund(rolled_back_db)
        headers = staff(settings, foundation)
        year = beijing(clock.now()).year
        numbers = [
            (
                await client.post(f"/v1/funds/{fund_id}/entries", json=donation("1.00", f"R-{i}"), headers=headers)
            ).json()["receipt_number"]
            for i in range(3)
        ]
        assert numbers == [f"{year}-000001", f"{year}-000002", f"{year}-000003"]
        paid = (await client.post(f"/v1/funds/{fund_id}/entries", json=disbursement("1.00"), headers=headers)).json()
        assert paid["receipt_number"] is None
        elsewhere = await client.post(
            f"/v1/funds/{other_fund}/entries", json=donation("1.00", "R-0"), headers=staff(settings, other)
        )
        assert elsewhere.json()["receipt_number"] == f"{year}-000001"

    async def test_the_receipt_prints_amount_in_figures_and_capitals(
        self, client: httpx.AsyncClient, settings: Settings, rolled_back_db: Database
    ) -> None:
        foundation, fund_id = await _fund(rolled_back_db)
        headers = staff(settings, foundation)
        gift = (
            await client.post(
                f"/v1/funds/{fund_id}/entries", json=donation("1234.50", "WX-9", "李<b>四"), headers=headers
            )
        ).json()
        response = await client.get(f"/v1/funds/{fund_id}/entries/{gift['id']}/receipt", headers=headers)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/html")
        page = response.text
        assert gift["receipt_number"] in page
        assert "¥1,234.50" in page and "人民币壹仟贰佰叁拾肆元伍角" in page
        assert "李&lt;b&gt;四" in page and "<b>" not in page
        assert beijing(clock.now()).strftime("%Y-%m-%d") in page
        await client.post(f"/v1/funds/{fund_id}/entries/{gift['id']}/reverse", json={"reason": "退款"}, headers=headers)
        assert "已冲正" in (await client.get(f"/v1/funds/{fund_id}/entries/{gift['id']}/receipt", headers=headers)).text


class TestUnderConcurrency:
    async def test_concurrent_donations_and_reversals_number_and_reverse_once(
        self, settings: Settings, committed_db: Database, committed_client: httpx.AsyncClient
    ) -> None:
        foundation, fund_id = await _fund(committed_db)
        headers = staff(settings, foundation)
        url = f"/v1/funds/{fund_id}/entries"
        booked = await asyncio.gather(
            *(committed_client.post(url, json=donation("2.00", f"C-{n}"), headers=headers) for n in range(12))
        )
        assert {r.status_code for r in booked} == {201}
        year = beijing(clock.now()).year
        assert sorted(r.json()["receipt_number"] for r in booked) == [f"{year}-{n:06d}" for n in range(1, 13)]
        target = booked[0].json()["id"]
        reversals = await asyncio.gather(
            *(committed_client.post(f"{url}/{target}/reverse", json={"reason": "x"}, headers=headers) for _ in range(6))
        )
        assert sorted(r.status_code for r in reversals) == [201, 409, 409, 409, 409, 409]
        async with committed_db.engine.connect() as connection:
            assert await balances(connection, uuid.UUID(fund_id)) == (Decimal("22.00"), Decimal("22.00"))


class TestReversalsInTheStatistics:
    async def test_a_reversed_donation_is_raised_and_counted_no_more(
        self, client: httpx.AsyncClient, settings: Settings, rolled_back_db: Database
    ) -> None:
        from tests.support.auth import bearer

        foundation, fund_id = await _fund(rolled_back_db)
        headers = staff(settings, foundation)
        window = {"from": "2020-01-01T00:00:00Z", "to": "2100-01-01T00:00:00Z", "region": "15"}
        admin = bearer(settings, "civil_affairs_admin", region="15")
        before = (await client.get("/v1/stats", params=window, headers=admin)).json()
        kept = await client.post(f"/v1/funds/{fund_id}/entries", json=donation("300.00", "WX-K"), headers=headers)
        wrong = await client.post(f"/v1/funds/{fund_id}/entries", json=donation("500.00", "WX-W"), headers=headers)
        assert kept.status_code == wrong.status_code == 201
        path = f"/v1/funds/{fund_id}/entries/{wrong.json()['id']}/reverse"
        assert (await client.post(path, json={"reason": "重复登记"}, headers=headers)).status_code == 201
        after = (await client.get("/v1/stats", params=window, headers=admin)).json()
        assert Decimal(after["funds_raised"]) - Decimal(before["funds_raised"]) == Decimal("300.00")
        assert after["donations"] - before["donations"] == 1
