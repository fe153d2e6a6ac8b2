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
from tests.resources.factories import (
    CENTRE,
    OTHER_STATION,
    OTHER_STATION_PATH,
    STATION,
    hold_request,
    make_hold,
    make_offer,
    make_organization,
    need_ticket,
    staff,
)
from tests.support.auth import bearer


@pytest.fixture
async def organization(rolled_back_db: Database) -> Organization:
    return await make_organization(rolled_back_db)


@pytest.fixture
async def offer(rolled_back_db: Database, organization: Organization) -> Offer:
    return await make_offer(rolled_back_db, organization, total=5)


def station(settings: Settings, region: str = "150781001") -> dict[str, str]:
    return staff(settings, region=region)


async def offer_figures(connection: AsyncConnection, offer: Offer) -> tuple[int, int, int]:
    row = (await connection.execute(select(Offer.total, Offer.held, Offer.delivered).where(Offer.id == offer.id))).one()
    return int(row.total), int(row.held), int(row.delivered)


class TestCreate:
    async def test_holds_and_counts(
        self, client: httpx.AsyncClient, settings: Settings, offer: Offer, connection: AsyncConnection
    ) -> None:
        response = await client.post("/v1/holds", json=hold_request(settings, offer), headers=station(settings))
        assert response.status_code == 201
        assert response.json()["state"] == "held"
        assert response.json()["quantity"] == 2
        assert await offer_figures(connection, offer) == (5, 2, 0)

    @pytest.mark.parametrize(
        "overrides",
        [
            {"quantity": -1},
            {"quantity": 0},
            {"quantity": 1.5},
            {"need_region": "150781001"},  # the region comes from the ticket, never from the body
            {"need_ticket": "forged"},
            {"need_ticket": ""},
        ],
    )
    async def test_bad_payload_is_422_and_nothing_held(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        offer: Offer,
        connection: AsyncConnection,
        overrides: dict[str, object],
    ) -> None:
        response = await client.post(
            "/v1/holds", json=hold_request(settings, offer, **overrides), headers=station(settings)
        )
        assert response.status_code == 422
        assert await offer_figures(connection, offer) == (5, 0, 0)
        assert await connection.scalar(select(func.count()).select_from(Hold)) == 0

    async def test_need_outside_the_callers_region_is_refused(
        self, client: httpx.AsyncClient, settings: Settings, offer: Offer, connection: AsyncConnection
    ) -> None:
        response = await client.post(
            "/v1/holds", json=hold_request(settings, offer, region="150102"), headers=station(settings, "1507")
        )
        assert response.status_code == 403
        assert await offer_figures(connection, offer) == (5, 0, 0)

    async def test_a_ticket_must_be_for_this_need_and_this_caller(
        self, client: httpx.AsyncClient, settings: Settings, offer: Offer, connection: AsyncConnection
    ) -> None:
        other_need = hold_request(settings, offer)
        other_need["need_id"] = str(uuid.uuid4())
        someone_else = hold_request(settings, offer, subject="staff-someone-else")
        for request in (other_need, someone_else):
            response = await client.post("/v1/holds", json=request, headers=station(settings))
            assert response.status_code == 422 and response.json()["code"] == "TICKET_INVALID"
        assert await offer_figures(connection, offer) == (5, 0, 0)

    async def test_a_need_of_another_station_cannot_be_held_even_with_a_county_wide_token(
        self, client: httpx.AsyncClient, settings: Settings, offer: Offer, connection: AsyncConnection
    ) -> None:
        """The ticket names the need's station; a token's broad region does not widen the subtree."""
        request = hold_request(settings, offer, platform_path=OTHER_STATION_PATH, region="150781002")
        response = await client.post("/v1/holds", json=request, headers=staff(settings, region="150781"))
        assert response.status_code == 403
        assert await offer_figures(connection, offer) == (5, 0, 0)

    async def test_offer_not_serving_the_needs_region_is_refused(
        self, client: httpx.AsyncClient, settings: Settings, rolled_back_db: Database
    ) -> None:
        organization = await make_organization(rolled_back_db, service_regions=["15"])
        narrow = await make_offer(rolled_back_db, organization, region_prefix="150783")
        centre = staff(settings, "centre_staff", platform_id=CENTRE, region="1507")
        request = hold_request(settings, narrow, subject=f"staff-{CENTRE}")
        response = await client.post("/v1/holds", json=request, headers=centre)
        assert response.status_code == 409
        assert response.json()["code"] == "OFFER_NOT_AVAILABLE"

    async def test_more_than_available_is_over_allocated(
        self, client: httpx.AsyncClient, settings: Settings, offer: Offer
    ) -> None:
        response = await client.post(
            "/v1/holds", json=hold_request(settings, offer, quantity=6), headers=station(settings)
        )
        assert response.status_code == 409
        assert response.json()["code"] == "OVER_ALLOCATED"
        assert response.json()["available"] == "5.00"

    async def test_paused_offer_is_not_available(
        self, client: httpx.AsyncClient, settings: Settings, rolled_back_db: Database, organization: Organization
    ) -> None:
        paused = await make_offer(rolled_back_db, organization, status="paused")
        response = await client.post("/v1/holds", json=hold_request(settings, paused), headers=station(settings))
        assert response.json()["code"] == "OFFER_NOT_AVAILABLE"

    async def test_offer_out_of_the_callers_scope_is_404(
        self, client: httpx.AsyncClient, settings: Settings, offer: Offer
    ) -> None:
        response = await client.post(
            "/v1/holds", json=hold_request(settings, offer, region="150102"), headers=station(settings, "1501")
        )
        assert response.status_code == 404

    async def test_app_clients_and_volunteers_cannot_hold(
        self, client: httpx.AsyncClient, settings: Settings, offer: Offer
    ) -> None:
        for role in ("app_client", "volunteer"):
            response = await client.post(
                "/v1/holds", json=hold_request(settings, offer), headers=bearer(settings, role)
            )
            assert response.status_code == 403


class TestLifecycle:
    async def test_commit_then_deliver_moves_quantity_to_delivered(
        self, client: httpx.AsyncClient, settings: Settings, offer: Offer, connection: AsyncConnection
    ) -> None:
        hold = (await client.post("/v1/holds", json=hold_request(settings, offer), headers=station(settings))).json()
        committed = await client.post(f"/v1/holds/{hold['id']}/commit", headers=station(settings))
        delivered = await client.post(f"/v1/holds/{hold['id']}/deliver", headers=station(settings))
        assert (committed.json()["state"], delivered.json()["state"]) == ("committed", "delivered")
        assert await offer_figures(connection, offer) == (5, 0, 2)

    async def test_release_returns_quantity_once_and_a_repeat_is_a_repeat(
        self, client: httpx.AsyncClient, settings: Settings, offer: Offer, connection: AsyncConnection
    ) -> None:
        hold = (
            await client.post("/v1/holds", json=hold_request(settings, offer, quantity=5), headers=station(settings))
        ).json()
        assert (await connection.scalar(select(Offer.status).where(Offer.id == offer.id))) == "exhausted"
        first = await client.post(f"/v1/holds/{hold['id']}/release", headers=station(settings))
        second = await client.post(f"/v1/holds/{hold['id']}/release", headers=station(settings))
        assert first.status_code == second.status_code == 200
        assert first.json()["state"] == second.json()["state"] == "released"
        assert await offer_figures(connection, offer) == (5, 0, 0)
        commit = await client.post(f"/v1/holds/{hold['id']}/commit", headers=station(settings))
        assert commit.status_code == 409 and commit.json()["code"] == "INVALID_TRANSITION"

    async def test_a_repeated_commit_answers_the_committed_hold_and_counts_once(
        self, client: httpx.AsyncClient, settings: Settings, offer: Offer, connection: AsyncConnection
    ) -> None:
        hold = (await client.post("/v1/holds", json=hold_request(settings, offer), headers=station(settings))).json()
        answers = [await client.post(f"/v1/holds/{hold['id']}/commit", headers=station(settings)) for _ in range(2)]
        assert [a.status_code for a in answers] == [200, 200]
        assert {a.json()["state"] for a in answers} == {"committed"}
        assert await offer_figures(connection, offer) == (5, 2, 0)
        assert (await connection.scalar(select(Offer.status).where(Offer.id == offer.id))) == "published"

    async def test_deliver_before_commit_is_invalid(
        self, client: httpx.AsyncClient, settings: Settings, offer: Offer
    ) -> None:
        hold = (await client.post("/v1/holds", json=hold_request(settings, offer), headers=station(settings))).json()
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
        elsewhere = station(settings, "150102001")
        assert (await client.get(f"/v1/holds/{hold.id}", headers=stranger)).status_code == 404
        assert (await client.get(f"/v1/holds/{hold.id}", headers=elsewhere)).status_code == 404
        own = bearer(settings, "org_staff", org_id=organization.id)
        response = await client.post(f"/v1/holds/{hold.id}/deliver", headers=own)
        assert response.status_code == 200
        listed = await client.get(f"/v1/holds?offer_id={offer.id}", headers=own)
        assert [item["state"] for item in listed.json()["items"]] == ["delivered"]


class TestScope:
    """Holds are seen by staff of the need's platform subtree within their region, nobody else."""

    async def test_own_station_and_its_centre_see_it_a_sibling_station_does_not(
        self, client: httpx.AsyncClient, settings: Settings, rolled_back_db: Database, offer: Offer
    ) -> None:
        hold = await make_hold(rolled_back_db, offer)
        url = f"/v1/holds/{hold.id}"
        assert (await client.get(url, headers=staff(settings))).status_code == 200
        centre = staff(settings, "centre_staff", platform_id=CENTRE, region="150781")
        assert (await client.get(url, headers=centre)).status_code == 200
        sibling = staff(settings, platform_id=OTHER_STATION, region="150781002")
        county_wide_sibling = staff(settings, platform_id=OTHER_STATION, region="150781")
        for caller in (sibling, county_wide_sibling):
            assert (await client.get(url, headers=caller)).status_code == 404
            assert (await client.post(f"{url}/release", headers=caller)).status_code == 404
            listed = await client.get(f"/v1/holds?offer_id={offer.id}", headers=caller)
            assert listed.json()["items"] == []

    async def test_a_token_with_a_platform_and_no_region_sees_only_its_subtree(
        self, client: httpx.AsyncClient, settings: Settings, rolled_back_db: Database, offer: Offer
    ) -> None:
        mine = await make_hold(rolled_back_db, offer)
        await make_hold(rolled_back_db, offer, platform_path=OTHER_STATION_PATH, need_region="150781002")
        no_region = bearer(settings, "station_staff", platform_id=STATION, subject=f"staff-{STATION}")
        listed = await client.get(f"/v1/holds?offer_id={offer.id}", headers=no_region)
        assert [item["id"] for item in listed.json()["items"]] == [str(mine.id)]
        no_platform = bearer(settings, "station_staff", region="150781")
        assert (await client.get(f"/v1/holds?offer_id={offer.id}", headers=no_platform)).json()["items"] == []

    async def test_a_ticket_of_one_caller_is_no_use_to_another(
        self, client: httpx.AsyncClient, settings: Settings, offer: Offer
    ) -> None:
        need = uuid.uuid4()
        ticket = need_ticket(settings, need)
        request = {"need_id": str(need), "need_ticket": ticket, "offer_id": str(offer.id), "quantity": 1}
        sibling = staff(settings, platform_id=OTHER_STATION, region="150781002")
        response = await client.post("/v1/holds", json=request, headers=sibling)
        assert response.status_code == 422 and response.json()["code"] == "TICKET_INVALID"
