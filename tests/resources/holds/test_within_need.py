"""No hold or pledge for more than the need still lacks, as the case service's ticket says (issue 17);
a fund's payment is disclosed under its purpose and the wish's public title."""

import uuid
from decimal import Decimal

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.common.database import Database
from services.common.settings import Settings
from services.common.tickets import NeedTicket, seal
from services.resources.models import Hold, Offer
from tests.resources.factories import STATION, STATION_PATH, make_offer, make_organization, staff
from tests.support.auth import bearer


def ticket(settings: Settings, need_id: uuid.UUID, *, kind: str, lacking: str, subject: str) -> str:
    return seal(
        NeedTicket(
            need_id, STATION, STATION_PATH, "150781001", subject, need_kind=kind, title="助学金", lacking=lacking
        ),
        settings,
    )


async def holds(connection: AsyncConnection) -> int:
    return int(await connection.scalar(select(func.count()).select_from(Hold)) or 0)


class TestWithinTheNeed:
    async def test_a_wish_asking_one_cannot_hold_three(
        self, client: httpx.AsyncClient, settings: Settings, rolled_back_db: Database, connection: AsyncConnection
    ) -> None:
        offer = await make_offer(rolled_back_db, await make_organization(rolled_back_db), total=5)
        need = uuid.uuid4()
        body = {
            "need_id": str(need),
            "need_ticket": ticket(settings, need, kind="micro_wish", lacking="1", subject=f"staff-{STATION}"),
            "offer_id": str(offer.id),
            "quantity": 3,
        }
        refused = await client.post("/v1/holds", json=body, headers=staff(settings))
        assert refused.status_code == 409 and refused.json()["code"] == "EXCEEDS_NEED"
        assert refused.json()["detail_zh"]
        assert await holds(connection) == 0
        zero = await client.post("/v1/holds", json={**body, "quantity": 0}, headers=staff(settings))
        assert zero.status_code == 422
        one = await client.post("/v1/holds", json={**body, "quantity": 1}, headers=staff(settings))
        assert one.status_code == 201 and one.json()["quantity"] == 1

    async def test_a_fund_hold_takes_the_need_kind_as_purpose_and_pays_under_the_wish_title(
        self, client: httpx.AsyncClient, settings: Settings, rolled_back_db: Database, connection: AsyncConnection
    ) -> None:
        organization = await make_organization(rolled_back_db)
        fund = await make_offer(
            rolled_back_db, organization, kind="fund", total=Decimal("1000.00"), purposes=["funding"]
        )
        need = uuid.uuid4()
        body = {
            "need_id": str(need),
            "need_ticket": ticket(settings, need, kind="funding", lacking="800.00", subject=f"staff-{STATION}"),
            "offer_id": str(fund.id),
        }
        over = await client.post("/v1/holds", json={**body, "amount": "800.01"}, headers=staff(settings))
        assert over.status_code == 409 and over.json()["code"] == "EXCEEDS_NEED"
        held = await client.post("/v1/holds", json={**body, "amount": "500.00"}, headers=staff(settings))
        assert held.status_code == 201, held.text
        assert held.json()["purpose"] == "funding"
        org = bearer(settings, "org_staff", org_id=organization.id, subject="org-staff")
        for step in ("commit", "deliver"):
            moved = await client.post(f"/v1/holds/{held.json()['id']}/{step}", headers=org)
            assert moved.status_code == 200, moved.text
        disclosure = (await client.get(f"/v1/funds/{fund.id}/disclosure")).json()
        payment = next(e for e in disclosure["entries"] if e["kind"] == "disbursement")
        assert (payment["purpose"], payment["reference"], payment["amount"]) == ("funding", "助学金", "-500.00")
        assert await connection.scalar(select(Offer.delivered).where(Offer.id == fund.id)) == Decimal("500.00")


class TestPledgesWithinTheNeed:
    async def test_no_pledge_above_what_is_lacking_nor_for_a_care_need(
        self, client: httpx.AsyncClient, settings: Settings, connection: AsyncConnection
    ) -> None:
        app = bearer(settings, "app_client", scopes=["wishes:read", "wishes:claim"], subject="wechat-app")
        need = uuid.uuid4()
        body = {
            "need_id": str(need),
            "need_ticket": ticket(settings, need, kind="micro_wish", lacking="1", subject="wechat-app"),
            "donor_name": "王小明",
            "donor_contact": "13812345678",
            "title": "一台收音机",
            "category": "small_appliance",
            "quantity": 1000,
        }
        refused = await client.post("/v1/pledges", json=body, headers=app)
        assert refused.status_code == 409 and refused.json()["code"] == "EXCEEDS_NEED"
        care = {
            **body,
            "quantity": 1,
            "need_ticket": ticket(settings, need, kind="care", lacking="", subject="wechat-app"),
        }
        refused = await client.post("/v1/pledges", json=care, headers=app)
        assert refused.status_code == 409 and refused.json()["code"] == "NOT_CLAIMABLE"
        assert await holds(connection) == 0
