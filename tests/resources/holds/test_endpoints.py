"""Holds over HTTP: who may hold what, and the held → committed → delivered life."""

import uuid
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.common.database import Database
from services.common.settings import Settings
from services.resources.models import Hold, Offer, Organization
from tests.resources.factories import make_hold, make_offer, make_organization
from tests.support.auth import bearer


@pytest.fixture
async def organization(rolled_back_db: Database) -> Organization:
    return await make_organization(rolled_back_db)


@pytest.fixture
async def offer(rolled_back_db: Database, organization: Organization) -> Offer:
    return await make_offer(rolled_back_db, organization, total=5)


def station(settings: Settings, region: str = "150781") -> dict[str, str]:
    return bearer(settings, "station_staff", region=region)


def body(offer: Offer, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "need_id": str(uuid.uuid4()),
        "need_region": "150781001",
        "offer_id": str(offer.id),
        "quantity": 2,
    }
    data.update(overrides)
    return data


async def offer_figures(connection: AsyncConnection, offer: Offer) -> tuple[int, int, int]:
    row = (await connection.execute(select(Offer.total, Offer.held, Offer.delivered).where(Offer.id == offer.id))).one()
    return int(row.total), int(row.held), int(row.delivered)


class TestCreate:
    async def test_holds_and_counts(
        self, client: httpx.AsyncClient, settings: Settings, offer: Offer, connection: AsyncConnection
    ) -> None:
        response = await client.post("/v1/holds", json=body(offer), headers=station(settings))
        assert response.status_code == 201
        assert response.json()["state"] == "held"
        assert response.json()["quantity"] == 2
        assert await offer_figures(connection, offer) == (5, 2, 0)

    @pytest.mark.parametrize(
        "overrides", [{"quantity": -1}, {"quantity": 0}, {"need_region": "15078"}, {"quantity": 1.5}]
    )
    async def test_bad_payload_is_422_and_nothing_held(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        offer: Offer,
        connection: AsyncConnection,
        overrides: dict[str, object],
    ) -> None:
        response = await client.post("/v1/holds", json=body(offer, **overrides), headers=station(settings))
        assert response.status_code == 422
        assert await offer_figures(connection, offer) == (5, 0, 0)
        assert await connection.scalar(select(func.count()).select_from(Hold)) == 0

    async def test_need_outside_the_callers_region_is_refused(
        self, client: httpx.AsyncClient, settings: Settings, offer: Offer, connection: AsyncConnection
    ) -> None:
        response = await client.post(
            "/v1/holds", json=body(offer, need_region="150102"), headers=station(settings, "1507")
        )
        assert response.status_code == 403
        assert await offer_figures(connection, offer) == (5, 0, 0)

    async def test_offer_not_serving_the_needs_region_is_refused(
        self, client: httpx.AsyncClient, settings: Settings, rolled_back_db: Database
    ) -> None:
        organization = await make_organization(rolled_back_db, service_regions=["15"])
        narrow = await make_offer(rolled_back_db, organization, region_prefix="150783")
        response = await client.post(
            "/v1/holds", json=body(narrow), headers=bearer(settings, "centre_staff", region="1507")
        )
        assert response.status_code == 409
        assert response.json()["code"] == "OFFER_NOT_AVAILABLE"

    async def test_more_than_available_is_over_allocated(
        self, client: httpx.AsyncClient, settings: Settings, offer: Offer
    ) -> None:
        response = await client.post("/v1/holds", json=body(offer, quantity=6), headers=station(settings))
        assert response.status_code == 409
        assert response.json()["code"] == "OVER_ALLOCATED"
        assert response.json()["available"] == "5.00"

    async def test_paused_offer_is_not_available(
        self, client: httpx.AsyncClient, settings: Settings, rolled_back_db: Database, organization: Organization
    ) -> None:
        paused = await make_offer(rolled_back_db, organization, status="paused")
        response = await client.post("/v1/holds", json=body(paused), headers=station(settings))
        assert response.json()["code"] == "OFFER_NOT_AVAILABLE"

    async def test_offer_out_of_the_callers_scope_is_404(
        self, client: httpx.AsyncClient, settings: Settings, offer: Offer
    ) -> None:
        response = await client.post(
            "/v1/holds", json=body(offer, need_region="150102"), headers=station(settings, "1501")
        )
        assert response.status_code == 404

    async def test_app_clients_and_volunteers_cannot_hold(
        self, client: httpx.AsyncClient, settings: Settings, offer: Offer
    ) -> None:
        for role in ("app_client", "volunteer"):
            response = await client.post("/v1/holds", json=body(offer), headers=bearer(settings, role))
            assert response.status_code == 403


class TestLifecycle:
    async def test_commit_then_deliver_moves_quantity_to_delivered(
        self, client: httpx.AsyncClient, settings: Settings, offer: Offer, connection: AsyncConnection
    ) -> None:
        hold = (await client.post("/v1/holds", json=body(offer), headers=station(settings))).json()
        committed = await client.post(f"/v1/holds/{hold['id']}/commit", headers=station(settings))
        delivered = await client.post(f"/v1/holds/{hold['id']}/deliver", headers=station(settings))
        assert (committed.json()["state"], delivered.json()["state"]) == ("committed", "delivered")
        assert await offer_figures(connection, offer) == (5, 0, 2)

    async def test_release_returns_quantity_and_cannot_repeat(
        self, client: httpx.AsyncClient, settings: Settings, offer: Offer, connection: AsyncConnection
    ) -> None:
        hold = (await client.post("/v1/holds", json=body(offer, quantity=5), headers=station(settings))).json()
        assert (await connection.scalar(select(Offer.status).where(Offer.id == offer.id))) == "exhausted"
        first = await client.post(f"/v1/holds/{hold['id']}/release", headers=station(settings))
        second = await client.post(f"/v1/holds/{hold['id']}/release", headers=station(settings))
        assert first.status_code == 200
        assert second.status_code == 409 and second.json()["code"] == "INVALID_TRANSITION"
        assert await offer_figures(connection, offer) == (5, 0, 0)
        assert (await connection.scalar(select(Offer.status).where(Offer.id == offer.id))) == "published"

    async def test_deliver_before_commit_is_invalid(
        self, client: httpx.AsyncClient, settings: Settings, offer: Offer
    ) -> None:
        hold = (await client.post("/v1/holds", json=body(offer), headers=station(settings))).json()
        response = await client.post(f"/v1/holds/{hold['id']}/deliver", headers=station(settings))
        assert response.status_code == 409

    async def test_overdue_hold_cannot_be_committed(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        rolled_back_db: Database,
        offer: Offer,
        connection: AsyncConnection,
    ) -> None:
        hold = await make_hold(rolled_back_db, offer, expires_in=timedelta(seconds=-1))
        response = await client.post(f"/v1/holds/{hold.id}/commit", headers=station(settings))
        assert response.status_code == 409

    async def test_giving_organisation_may_deliver_others_may_not_see(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        rolled_back_db: Database,
        offer: Offer,
        organization: Organization,
        connection: AsyncConnection,
    ) -> None:
        hold = await make_hold(rolled_back_db, offer, state="committed")
        stranger = bearer(settings, "org_staff", org_id=uuid.uuid4())
        elsewhere = station(settings, "1501")
        assert (await client.get(f"/v1/holds/{hold.id}", headers=stranger)).status_code == 404
        assert (await client.get(f"/v1/holds/{hold.id}", headers=elsewhere)).status_code == 404
        own = bearer(settings, "org_staff", org_id=organization.id)
        response = await client.post(f"/v1/holds/{hold.id}/deliver", headers=own)
        assert response.status_code == 200
        listed = await client.get(f"/v1/holds?offer_id={offer.id}", headers=own)
        assert [item["state"] for item in listed.json()["items"]] == ["delivered"]
