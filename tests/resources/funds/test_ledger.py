"""Fund ledgers: exact money, balance = sum of entries, restrictions, public disclosure."""

import asyncio
import uuid
from decimal import Decimal

import httpx
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from services.common.database import Database
from services.common.settings import Settings
from services.resources.models import LedgerEntry, Offer, Organization
from tests.resources.factories import hold_request, make_offer, make_organization
from tests.resources.factories import staff as station_staff
from tests.support.auth import bearer


async def balances(connection: AsyncConnection, fund_id: uuid.UUID) -> tuple[Decimal, Decimal]:
    """(total − delivered kept on the offer, sum of the ledger entries)."""
    kept = await connection.scalar(select(Offer.total - Offer.delivered).where(Offer.id == fund_id))
    summed = await connection.scalar(
        select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(LedgerEntry.fund_id == fund_id)
    )
    return Decimal(kept), Decimal(summed)


@pytest.fixture
async def foundation(rolled_back_db: Database) -> Organization:
    return await make_organization(rolled_back_db, kind="community_foundation")


def staff(settings: Settings, organization: Organization) -> dict[str, str]:
    return bearer(settings, "org_staff", org_id=organization.id)


def disbursement(amount: str, **overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "kind": "disbursement",
        "amount": amount,
        "need_id": str(uuid.uuid4()),
        "need_region": "150781",
        "purpose": "funding",
        "reference": "转账 001",
    }
    body.update(overrides)
    return body


class TestExactMoney:
    async def test_point_one_plus_point_two_is_point_three(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        foundation: Organization,
        connection: AsyncConnection,
    ) -> None:
        headers = staff(settings, foundation)
        created = await client.post(
            "/v1/offers",
            json={"kind": "fund", "title": "助学金", "amount": "0.10", "region_prefix": "1507"},
            headers=headers,
        )
        assert created.status_code == 201
        fund_id = created.json()["id"]
        donation = {
            "kind": "donation",
            "amount": "0.20",
            "donor_name": "王小明",
            "donor_is_individual": True,
            "reference": "收据 1",
        }
        await client.post(f"/v1/funds/{fund_id}/entries", json=donation, headers=headers)
        offer = (await client.get(f"/v1/offers/{fund_id}", headers=headers)).json()
        assert offer["money"]["balance"] == "0.30"
        assert offer["money"]["available"] == "0.30"
        assert await balances(connection, uuid.UUID(fund_id)) == (Decimal("0.30"), Decimal("0.30"))

    async def test_json_float_money_is_refused(
        self, client: httpx.AsyncClient, settings: Settings, foundation: Organization
    ) -> None:
        response = await client.post(
            "/v1/offers",
            json={"kind": "fund", "title": "助学金", "amount": 0.1, "region_prefix": "1507"},
            headers=staff(settings, foundation),
        )
        assert response.status_code == 422

    async def test_three_decimal_places_are_refused(
        self, client: httpx.AsyncClient, settings: Settings, foundation: Organization
    ) -> None:
        response = await client.post(
            "/v1/offers",
            json={"kind": "fund", "title": "助学金", "amount": "0.105", "region_prefix": "1507"},
            headers=staff(settings, foundation),
        )
        assert response.status_code == 422


class TestDisbursement:
    async def test_more_than_the_balance_is_refused_and_nothing_written(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        rolled_back_db: Database,
        foundation: Organization,
        connection: AsyncConnection,
    ) -> None:
        fund = await make_offer(rolled_back_db, foundation, kind="fund", total=Decimal("100.00"))
        response = await client.post(
            f"/v1/funds/{fund.id}/entries", json=disbursement("100.01"), headers=staff(settings, foundation)
        )
        assert response.status_code == 409
        assert response.json()["code"] == "OVER_ALLOCATED"
        assert await balances(connection, fund.id) == (Decimal("100.00"), Decimal("100.00"))

    @pytest.mark.parametrize(
        ("overrides", "restriction"),
        [
            ({"purpose": "books"}, "purpose"),
            ({"need_region": "150102"}, "region"),
            ({"amount": "60.00"}, "cap"),
        ],
    )
    async def test_outside_restrictions_is_refused(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        rolled_back_db: Database,
        foundation: Organization,
        connection: AsyncConnection,
        overrides: dict[str, object],
        restriction: str,
    ) -> None:
        fund = await make_offer(
            rolled_back_db,
            foundation,
            kind="fund",
            total=Decimal("500.00"),
            purposes=["funding", "school_supplies"],
            restricted_regions=["1507"],
            cap_per_need=Decimal("50.00"),
        )
        body = disbursement("20.00")
        body.update(overrides)
        response = await client.post(f"/v1/funds/{fund.id}/entries", json=body, headers=staff(settings, foundation))
        assert response.status_code == 409, restriction
        assert response.json()["code"] == "OUTSIDE_FUND_RESTRICTIONS"
        assert await balances(connection, fund.id) == (Decimal("500.00"), Decimal("500.00"))

    async def test_cap_counts_earlier_payments_to_the_same_need(
        self, client: httpx.AsyncClient, settings: Settings, rolled_back_db: Database, foundation: Organization
    ) -> None:
        fund = await make_offer(
            rolled_back_db, foundation, kind="fund", total=Decimal("500.00"), cap_per_need=Decimal("50.00")
        )
        need = str(uuid.uuid4())
        headers = staff(settings, foundation)
        url = f"/v1/funds/{fund.id}/entries"
        first = await client.post(url, json=disbursement("30.00", need_id=need), headers=headers)
        second = await client.post(url, json=disbursement("30.00", need_id=need), headers=headers)
        other = await client.post(url, json=disbursement("30.00"), headers=headers)
        assert [first.status_code, second.status_code, other.status_code] == [201, 409, 201]
        assert first.json()["amount"] == "-30.00"

    async def test_other_organisations_cannot_book(
        self, client: httpx.AsyncClient, settings: Settings, rolled_back_db: Database, foundation: Organization
    ) -> None:
        fund = await make_offer(rolled_back_db, foundation, kind="fund", total=Decimal("10.00"))
        response = await client.post(
            f"/v1/funds/{fund.id}/entries",
            json=disbursement("1.00"),
            headers=bearer(settings, "org_staff", org_id=uuid.uuid4()),
        )
        assert response.status_code == 404


class TestFundHolds:
    async def test_delivered_hold_is_a_disbursement(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        rolled_back_db: Database,
        foundation: Organization,
        connection: AsyncConnection,
    ) -> None:
        fund = await make_offer(rolled_back_db, foundation, kind="fund", total=Decimal("100.00"))
        station = station_staff(settings)
        hold = await client.post(
            "/v1/holds", json=hold_request(settings, fund, quantity=None, amount="33.33"), headers=station
        )
        assert hold.status_code == 201 and hold.json()["amount"] == "33.33"
        hold_id = hold.json()["id"]
        await client.post(f"/v1/holds/{hold_id}/commit", headers=station)
        delivered = await client.post(f"/v1/holds/{hold_id}/deliver", headers=station)
        assert delivered.json()["state"] == "delivered"
        assert await balances(connection, fund.id) == (Decimal("66.67"), Decimal("66.67"))
        entry = (await connection.execute(select(LedgerEntry).where(LedgerEntry.hold_id == uuid.UUID(hold_id)))).one()
        assert entry.amount == Decimal("-33.33")

    async def test_fund_held_by_quantity_is_refused(
        self, client: httpx.AsyncClient, settings: Settings, rolled_back_db: Database, foundation: Organization
    ) -> None:
        fund = await make_offer(rolled_back_db, foundation, kind="fund", total=Decimal("100.00"))
        response = await client.post(
            "/v1/holds", json=hold_request(settings, fund, quantity=3), headers=station_staff(settings)
        )
        assert response.status_code == 400


class TestDisclosure:
    async def test_public_view_masks_individual_donors(
        self, client: httpx.AsyncClient, settings: Settings, rolled_back_db: Database, foundation: Organization
    ) -> None:
        fund = await make_offer(rolled_back_db, foundation, kind="fund", total=Decimal("10.00"))
        headers = staff(settings, foundation)
        url = f"/v1/funds/{fund.id}/entries"
        await client.post(
            url,
            json={
                "kind": "donation",
                "amount": "5.00",
                "donor_name": "王小明",
                "donor_is_individual": True,
                "reference": "收据 7",
            },
            headers=headers,
        )
        await client.post(url, json=disbursement("3.50"), headers=headers)

        response = await client.get(f"/v1/funds/{fund.id}/disclosure")

        assert response.status_code == 200
        body = response.json()
        assert (body["income"], body["spending"], body["balance"]) == ("15.00", "3.50", "11.50")
        donors = [entry["donor"] for entry in body["entries"]]
        assert "王**" in donors and "王小明" not in response.text
        assert foundation.name in donors

    async def test_draft_fund_is_not_disclosed(
        self, client: httpx.AsyncClient, rolled_back_db: Database, foundation: Organization
    ) -> None:
        fund = await make_offer(rolled_back_db, foundation, kind="fund", total=Decimal("10.00"), status="draft")
        assert (await client.get(f"/v1/funds/{fund.id}/disclosure")).status_code == 404

    async def test_entries_cannot_be_rewritten(
        self, rolled_back_db: Database, foundation: Organization, connection: AsyncConnection
    ) -> None:
        await make_offer(rolled_back_db, foundation, kind="fund", total=Decimal("10.00"))
        with pytest.raises(Exception, match="append-only"):
            async with connection.begin_nested():
                await connection.execute(text('UPDATE "resources".ledger_entries SET amount = 1'))


class TestLedgerUnderConcurrency:
    async def test_balance_equals_sum_of_entries_after_a_storm(
        self, settings: Settings, committed_db: Database, committed_client: httpx.AsyncClient
    ) -> None:
        foundation = await make_organization(committed_db, kind="community_foundation")
        fund = await make_offer(committed_db, foundation, kind="fund", total=Decimal("100.00"))
        headers = staff(settings, foundation)
        url = f"/v1/funds/{fund.id}/entries"
        donation = {
            "kind": "donation",
            "amount": "0.10",
            "donor_name": "李",
            "donor_is_individual": True,
            "reference": "r",
        }
        station = station_staff(settings)
        hold = hold_request(settings, fund, quantity=None, amount="7.77")

        responses = await asyncio.gather(
            # Each transfer has its own receipt reference: one reference books once per fund.
            *(committed_client.post(url, json={**donation, "reference": f"r-{n}"}, headers=headers) for n in range(30)),
            *(committed_client.post(url, json=disbursement("9.99"), headers=headers) for _ in range(15)),
            *(committed_client.post("/v1/holds", json=hold, headers=station) for _ in range(10)),
        )

        assert {r.status_code for r in responses} <= {201, 409}
        async with committed_db.engine.connect() as connection:
            kept, summed = await balances(connection, fund.id)
            held = await connection.scalar(select(Offer.held).where(Offer.id == fund.id))
        assert kept == summed
        assert summed - held >= 0
        paid = sum(1 for r in responses[30:45] if r.status_code == 201)
        holds = sum(1 for r in responses[45:] if r.status_code == 201)
        assert summed == Decimal("103.00") - paid * Decimal("9.99")
        assert held == holds * Decimal("7.77")


class TestDonationReference:
    async def test_one_receipt_reference_books_once_per_fund_and_a_key_replays(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        rolled_back_db: Database,
        foundation: Organization,
        connection: AsyncConnection,
    ) -> None:
        fund = await make_offer(rolled_back_db, foundation, kind="fund", total=Decimal("100.00"))
        url = f"/v1/funds/{fund.id}/entries"
        donation = {"kind": "donation", "amount": "200.00", "donor_name": "某公司", "donor_is_individual": False}
        body = {**donation, "reference": "WX-20261201-0001"}
        headers = staff(settings, foundation)
        first = await client.post(url, json=body, headers={**headers, "Idempotency-Key": "wx-1"})
        replay = await client.post(url, json=body, headers={**headers, "Idempotency-Key": "wx-1"})
        assert first.status_code == replay.status_code == 201 and first.json() == replay.json()
        twice = await client.post(url, json=body, headers={**headers, "Idempotency-Key": "wx-2"})
        assert twice.status_code == 409 and twice.json()["code"] == "DUPLICATE_REFERENCE"
        assert twice.json()["detail_zh"]
        booked = await connection.scalar(
            select(func.count()).where(LedgerEntry.fund_id == fund.id, LedgerEntry.reference == "WX-20261201-0001")
        )
        assert booked == 1
        other = await client.post(url, json={**body, "reference": "WX-20261201-0002"}, headers=headers)
        assert other.status_code == 201


class TestLedgerList:
    async def test_own_staff_see_donors_others_see_them_masked(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        rolled_back_db: Database,
        foundation: Organization,
    ) -> None:
        fund = await make_offer(rolled_back_db, foundation, kind="fund", total=Decimal("1.00"))
        headers = staff(settings, foundation)
        donation = {
            "kind": "donation",
            "amount": "8.00",
            "donor_name": "赵六",
            "donor_is_individual": True,
            "reference": "收据 9",
        }
        await client.post(f"/v1/funds/{fund.id}/entries", json=donation, headers=headers)
        url = f"/v1/funds/{fund.id}/entries"
        own = (await client.get(url, headers=headers)).json()["items"]
        admin = bearer(settings, "civil_affairs_admin", region="1507")
        masked = (await client.get(url, headers=admin)).json()["items"]
        # one transaction per test: created_at ties, so find the entry by its reference
        assert [e["donor_name"] for e in own if e["reference"] == "收据 9"] == ["赵六"]
        assert [e["donor_name"] for e in masked if e["reference"] == "收据 9"] == ["赵*"]
        assert (await client.get(url, headers=bearer(settings, "volunteer"))).status_code == 200
