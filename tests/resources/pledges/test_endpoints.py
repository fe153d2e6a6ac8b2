"""Pledges: claiming a public wish creates a donation offer and a hold, visible to the station."""

import uuid
from decimal import Decimal

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.common.auth import Principal
from services.common.database import Database
from services.common.settings import Settings
from services.common.tickets import PledgeReceipt, unseal
from services.common.vocabulary import Role
from services.resources.models import AuditEntry, Hold, LedgerEntry, Offer, Organization, Pledge
from tests.resources.factories import OTHER_STATION, make_organization, need_ticket, staff
from tests.support.auth import bearer

NEED = uuid.UUID("00000000-0000-4000-8000-000000000001")


def claimer(settings: Settings, subject: str = "wechat-app") -> dict[str, str]:
    return bearer(settings, "app_client", scopes=["wishes:read", "wishes:claim"], subject=subject)


def item_pledge(settings: Settings, subject: str = "wechat-app", **overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "need_id": str(NEED),
        "need_ticket": need_ticket(settings, NEED, subject=subject),
        "donor_name": "王小明",
        "donor_contact": "13812345678",
        "title": "一台收音机",
        "category": "small_appliance",
        "quantity": 1,
    }
    body.update(overrides)
    return body


async def count(connection: AsyncConnection, model: type) -> int:
    return await connection.scalar(select(func.count()).select_from(model))  # type: ignore[return-value]


class TestClaim:
    async def test_app_client_claims_an_item(
        self, client: httpx.AsyncClient, settings: Settings, connection: AsyncConnection
    ) -> None:
        response = await client.post("/v1/pledges", json=item_pledge(settings), headers=claimer(settings))
        assert response.status_code == 201
        pledge = response.json()
        assert pledge["hold_state"] == "held" and pledge["quantity"] == 1
        assert pledge["donor_name"] == "王小明"  # the claiming app sees what it sent
        offer = (await connection.execute(select(Offer).where(Offer.id == uuid.UUID(pledge["offer_id"])))).one()
        assert (offer.status, offer.total, offer.held) == ("exhausted", 1, 1)
        donor = (await connection.execute(select(Organization).where(Organization.id == offer.org_id))).one()
        assert (donor.kind, donor.credit_code) == ("individual_donor", None)

    async def test_claim_of_money_books_it_and_holds_it(
        self, client: httpx.AsyncClient, settings: Settings, connection: AsyncConnection
    ) -> None:
        body = item_pledge(settings, category=None, quantity=None, amount="200.00")
        response = await client.post("/v1/pledges", json=body, headers=claimer(settings))
        assert response.status_code == 201
        assert response.json()["amount"] == "200.00"
        fund_id = uuid.UUID(response.json()["offer_id"])
        summed = await connection.scalar(select(func.sum(LedgerEntry.amount)).where(LedgerEntry.fund_id == fund_id))
        assert summed == Decimal("200.00")
        assert await connection.scalar(select(Offer.held).where(Offer.id == fund_id)) == Decimal("200.00")

    async def test_without_the_claim_scope_nothing_is_written(
        self, client: httpx.AsyncClient, settings: Settings, connection: AsyncConnection
    ) -> None:
        response = await client.post(
            "/v1/pledges",
            json=item_pledge(settings, "dev-app_client"),
            headers=bearer(settings, "app_client", scopes=["wishes:read"]),
        )
        assert response.status_code == 403
        for model in (Pledge, Offer, Hold, Organization):
            assert await count(connection, model) == 0

    async def test_item_and_amount_together_is_422(self, client: httpx.AsyncClient, settings: Settings) -> None:
        response = await client.post(
            "/v1/pledges", json=item_pledge(settings, amount="5.00"), headers=claimer(settings)
        )
        assert response.status_code == 422

    async def test_retry_with_the_same_key_returns_the_same_pledge(
        self, client: httpx.AsyncClient, settings: Settings, connection: AsyncConnection
    ) -> None:
        headers = {**claimer(settings), "Idempotency-Key": "claim-42"}
        first = await client.post("/v1/pledges", json=item_pledge(settings), headers=headers)
        second = await client.post("/v1/pledges", json=item_pledge(settings), headers=headers)
        assert first.json() == second.json()
        assert await count(connection, Pledge) == 1


class TestVisibility:
    async def test_station_sees_claims_by_need_and_other_apps_do_not(
        self, client: httpx.AsyncClient, settings: Settings, connection: AsyncConnection
    ) -> None:
        pledge = (await client.post("/v1/pledges", json=item_pledge(settings), headers=claimer(settings))).json()
        station = staff(settings)
        listed = await client.get(f"/v1/pledges?need_id={NEED}", headers=station)
        assert [item["id"] for item in listed.json()["items"]] == [pledge["id"]]
        assert listed.json()["items"][0]["donor_contact"] == "13812345678"
        audited = await connection.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "read_personal")
        )
        assert audited >= 1
        other_app = claimer(settings, subject="another-app")
        assert (await client.get(f"/v1/pledges/{pledge['id']}", headers=other_app)).status_code == 404
        far_station = staff(settings, platform_id=uuid.uuid4(), region="150102001")
        assert (await client.get(f"/v1/pledges/{pledge['id']}", headers=far_station)).status_code == 404
        # a sibling station of the same county, even with a county-wide token, sees nothing
        sibling = staff(settings, platform_id=OTHER_STATION, region="150781")
        assert (await client.get(f"/v1/pledges/{pledge['id']}", headers=sibling)).status_code == 404
        assert (await client.get(f"/v1/pledges?need_id={NEED}", headers=sibling)).json()["items"] == []
        only_a_platform = bearer(settings, "station_staff", platform_id=OTHER_STATION)
        assert (await client.get("/v1/pledges", headers=only_a_platform)).json()["items"] == []

    async def test_admin_sees_donor_masked(self, client: httpx.AsyncClient, settings: Settings) -> None:
        pledge = (await client.post("/v1/pledges", json=item_pledge(settings), headers=claimer(settings))).json()
        admin = bearer(settings, "civil_affairs_admin", region="15")
        body = (await client.get(f"/v1/pledges/{pledge['id']}", headers=admin)).json()
        assert (body["donor_name"], body["donor_contact"]) == ("王**", "138****5678")

    async def test_organisation_pledges_under_its_own_name_and_lists_them(
        self, client: httpx.AsyncClient, settings: Settings, rolled_back_db: Database
    ) -> None:
        organization = await make_organization(rolled_back_db, kind="enterprise", name="鹿城商贸")
        headers = bearer(settings, "org_staff", org_id=organization.id)
        created = await client.post("/v1/pledges", json=item_pledge(settings, "dev-org_staff"), headers=headers)
        assert created.status_code == 201 and created.json()["org_id"] == str(organization.id)
        listed = await client.get(f"/v1/pledges?org_id={organization.id}", headers=headers)
        assert len(listed.json()["items"]) == 1


class TestTicketAndReceipt:
    async def test_the_region_and_owner_come_from_the_ticket_not_the_body(
        self, client: httpx.AsyncClient, settings: Settings, connection: AsyncConnection
    ) -> None:
        forged = item_pledge(settings, need_region="150102001")
        assert (await client.post("/v1/pledges", json=forged, headers=claimer(settings))).status_code == 422
        for ticket in ("forged", need_ticket(settings, NEED, subject="another-app")):
            body = item_pledge(settings, need_ticket=ticket)
            response = await client.post("/v1/pledges", json=body, headers=claimer(settings))
            assert response.status_code == 422 and response.json()["code"] == "TICKET_INVALID"
        for model in (Pledge, Offer, Hold, Organization):
            assert await count(connection, model) == 0

    async def test_the_app_sees_the_county_and_gets_a_receipt_for_the_claim(
        self, client: httpx.AsyncClient, settings: Settings
    ) -> None:
        pledge = (await client.post("/v1/pledges", json=item_pledge(settings), headers=claimer(settings))).json()
        assert pledge["need_region"] == "150781"  # the feed's county, not the wish's township
        receipt = unseal(PledgeReceipt, pledge["receipt"], Principal("wechat-app", Role.APP_CLIENT), settings)
        assert (receipt.need_id, str(receipt.hold_id)) == (NEED, pledge["hold_id"])
        station_view = (await client.get(f"/v1/pledges/{pledge['id']}", headers=staff(settings))).json()
        assert station_view["need_region"] == "150781001" and station_view["receipt"] is None

    async def test_a_claim_stands_no_longer_than_the_platform_allows(
        self, client: httpx.AsyncClient, settings: Settings
    ) -> None:
        body = item_pledge(settings, ttl_seconds=10 * 365 * 24 * 3600)
        assert (await client.post("/v1/pledges", json=body, headers=claimer(settings))).status_code == 422


class TestPersonalDataInTitle:
    async def test_a_title_with_a_phone_number_is_refused(
        self, client: httpx.AsyncClient, settings: Settings, connection: AsyncConnection
    ) -> None:
        body = item_pledge(settings, title="收音机，联系 138 1234 5678")
        response = await client.post("/v1/pledges", json=body, headers=claimer(settings))
        assert response.status_code == 422
        assert (response.json()["code"], response.json()["field"]) == ("PERSONAL_DATA_IN_TEXT", "title")
        assert await count(connection, Pledge) == 0 and await count(connection, Offer) == 0


class TestWithdraw:
    async def test_the_donor_withdraws_and_the_gift_leaves_matching(
        self, client: httpx.AsyncClient, settings: Settings, connection: AsyncConnection
    ) -> None:
        pledge = (await client.post("/v1/pledges", json=item_pledge(settings), headers=claimer(settings))).json()
        response = await client.post(f"/v1/pledges/{pledge['id']}/withdraw", headers=claimer(settings))
        assert response.status_code == 200 and response.json()["hold_state"] == "released"
        offer_status = await connection.scalar(select(Offer.status).where(Offer.id == uuid.UUID(pledge["offer_id"])))
        assert offer_status == "expired"
        again = await client.post(f"/v1/pledges/{pledge['id']}/withdraw", headers=claimer(settings))
        assert again.status_code == 200 and again.json()["hold_state"] == "released"  # a repeat: the same

    async def test_another_app_finds_no_such_pledge(self, client: httpx.AsyncClient, settings: Settings) -> None:
        pledge = (await client.post("/v1/pledges", json=item_pledge(settings), headers=claimer(settings))).json()
        response = await client.post(f"/v1/pledges/{pledge['id']}/withdraw", headers=claimer(settings, "other-app"))
        assert response.status_code == 404

    async def test_a_pledge_the_station_committed_stays(self, client: httpx.AsyncClient, settings: Settings) -> None:
        pledge = (await client.post("/v1/pledges", json=item_pledge(settings), headers=claimer(settings))).json()
        committed = await client.post(f"/v1/holds/{pledge['hold_id']}/commit", headers=staff(settings))
        assert committed.status_code == 200
        response = await client.post(f"/v1/pledges/{pledge['id']}/withdraw", headers=claimer(settings))
        assert response.status_code == 409 and response.json()["code"] == "PLEDGE_CONFIRMED"

    async def test_a_batch_read_shows_the_pledge_with_its_lapse(
        self, client: httpx.AsyncClient, settings: Settings
    ) -> None:
        pledge = (await client.post("/v1/pledges", json=item_pledge(settings), headers=claimer(settings))).json()
        found = await client.get("/v1/pledges:batch", params={"ids": pledge["id"]}, headers=claimer(settings))
        assert [p["id"] for p in found.json()["items"]] == [pledge["id"]]
        assert found.json()["items"][0]["expires_at"] > pledge["created_at"]
        hidden = await client.get("/v1/pledges:batch", params={"ids": pledge["id"]}, headers=claimer(settings, "x"))
        assert hidden.json()["items"] == []


class TestReconcilerRelease:
    async def test_a_stray_pledge_hold_released_by_the_reconciler_takes_the_gift_along(
        self, client: httpx.AsyncClient, settings: Settings, rolled_back_db: Database, connection: AsyncConnection
    ) -> None:
        from services.resources.holds.reconcile import _release

        pledge = (await client.post("/v1/pledges", json=item_pledge(settings), headers=claimer(settings))).json()
        assert await _release(rolled_back_db, uuid.UUID(pledge["hold_id"]), "held") == 1
        offer_status = await connection.scalar(select(Offer.status).where(Offer.id == uuid.UUID(pledge["offer_id"])))
        assert offer_status == "expired"  # as when the hold is released over HTTP: no gift left for matching
