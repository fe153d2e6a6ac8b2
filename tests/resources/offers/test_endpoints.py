"""Offers over HTTP: creation and validation, publishing, search, read scope."""

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.common.database import Database
from services.common.settings import Settings
from services.resources.models import AuditEntry, Offer
from tests.resources.factories import make_offer, make_organization
from tests.support.auth import bearer


def material(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "kind": "material",
        "title": "冬季棉被",
        "category": "bedding",
        "quantity": 20,
        "region_prefix": "1507",
    }
    body.update(overrides)
    return body


async def offers_written(connection: AsyncConnection) -> int:
    return await connection.scalar(select(func.count()).select_from(Offer))  # type: ignore[return-value]


class TestCreate:
    async def test_org_staff_creates_a_draft(
        self, client: httpx.AsyncClient, settings: Settings, rolled_back_db: Database
    ) -> None:
        organization = await make_organization(rolled_back_db)
        response = await client.post(
            "/v1/offers", json=material(), headers=bearer(settings, "org_staff", org_id=organization.id)
        )
        assert response.status_code == 201
        body = response.json()
        assert body["status"] == "draft"
        assert body["units"] == {"total": 20, "held": 0, "delivered": 0, "available": 20}
        assert body["money"] is None

    @pytest.mark.parametrize(
        "overrides",
        [
            {"quantity": -3},
            {"quantity": 0},
            {"category": "jewellery"},
            {"region_prefix": "15078"},
            {"quantity": None},
            {"amount": "10.00"},
            {"title": "bad\u0000title"},
            {"valid_from": "2027-01-01T00:00:00", "valid_until": "2027-02-01T00:00:00"},
        ],
    )
    async def test_bad_payload_is_422_and_nothing_written(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        rolled_back_db: Database,
        connection: AsyncConnection,
        overrides: dict[str, object],
    ) -> None:
        organization = await make_organization(rolled_back_db)
        response = await client.post(
            "/v1/offers",
            json=material(**overrides),
            headers=bearer(settings, "org_staff", org_id=organization.id),
        )
        assert response.status_code == 422
        assert await offers_written(connection) == 0

    async def test_region_outside_the_organisation_is_refused(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        rolled_back_db: Database,
        connection: AsyncConnection,
    ) -> None:
        organization = await make_organization(rolled_back_db, service_regions=["1507"])
        response = await client.post(
            "/v1/offers",
            json=material(region_prefix="4301"),
            headers=bearer(settings, "org_staff", org_id=organization.id),
        )
        assert response.status_code == 400
        assert await offers_written(connection) == 0
        assert await connection.scalar(select(func.count()).select_from(AuditEntry)) == 0

    async def test_station_staff_cannot_create(self, client: httpx.AsyncClient, settings: Settings) -> None:
        response = await client.post(
            "/v1/offers", json=material(), headers=bearer(settings, "station_staff", region="1507")
        )
        assert response.status_code == 403


class TestPublish:
    async def test_unverified_organisation_cannot_publish(
        self, client: httpx.AsyncClient, settings: Settings, rolled_back_db: Database
    ) -> None:
        organization = await make_organization(rolled_back_db, verification_status="pending")
        offer = await make_offer(rolled_back_db, organization, status="draft")
        response = await client.post(
            f"/v1/offers/{offer.id}/publish",
            headers=bearer(settings, "org_staff", org_id=organization.id),
        )
        assert response.status_code == 409
        assert response.json()["code"] == "ORGANIZATION_NOT_VERIFIED"

    async def test_publish_pause_publish(
        self, client: httpx.AsyncClient, settings: Settings, rolled_back_db: Database
    ) -> None:
        organization = await make_organization(rolled_back_db)
        offer = await make_offer(rolled_back_db, organization, status="draft")
        headers = bearer(settings, "org_staff", org_id=organization.id)
        steps = [
            await client.post(f"/v1/offers/{offer.id}/{verb}", headers=headers)
            for verb in ("publish", "pause", "publish", "publish")
        ]
        assert [s.status_code for s in steps] == [200, 200, 200, 409]
        assert steps[2].json()["status"] == "published"
        assert steps[3].json()["code"] == "INVALID_TRANSITION"


class TestSearch:
    async def test_by_need_region_category_kind_and_availability(
        self, client: httpx.AsyncClient, settings: Settings, rolled_back_db: Database
    ) -> None:
        organization = await make_organization(rolled_back_db, service_regions=["15"])
        city = await make_offer(rolled_back_db, organization, region_prefix="1507", category="bedding")
        other_city = await make_offer(rolled_back_db, organization, region_prefix="1501", category="bedding")
        books = await make_offer(rolled_back_db, organization, region_prefix="1507", category="books")
        empty = await make_offer(rolled_back_db, organization, region_prefix="150781", total=0)
        headers = bearer(settings, "app_client", scopes=["wishes:read"])

        async def ids(query: str) -> set[str]:
            response = await client.get(f"/v1/offers?{query}", headers=headers)
            assert response.status_code == 200
            return {item["id"] for item in response.json()["items"]}

        assert await ids("region=150781") == {str(city.id), str(books.id), str(empty.id)}
        assert await ids("region=150781&category=bedding") == {str(city.id)}
        assert await ids("region=150781&available=true") == {str(city.id), str(books.id)}
        assert await ids("kind=fund") == set()
        assert str(other_city.id) in await ids("region=150102")

    async def test_pages_with_a_cursor(
        self, client: httpx.AsyncClient, settings: Settings, rolled_back_db: Database
    ) -> None:
        organization = await make_organization(rolled_back_db)
        made = {str((await make_offer(rolled_back_db, organization)).id) for _ in range(5)}
        headers = bearer(settings, "volunteer")
        first = (await client.get("/v1/offers?limit=3", headers=headers)).json()
        second = (await client.get(f"/v1/offers?limit=3&cursor={first['next_cursor']}", headers=headers)).json()
        assert len(first["items"]) == 3 and len(second["items"]) == 2
        assert {i["id"] for i in first["items"] + second["items"]} == made
        assert second["next_cursor"] is None


class TestReadScope:
    async def test_out_of_region_and_drafts_are_404(
        self, client: httpx.AsyncClient, settings: Settings, rolled_back_db: Database
    ) -> None:
        organization = await make_organization(rolled_back_db, service_regions=["15"])
        published = await make_offer(rolled_back_db, organization, region_prefix="1507")
        draft = await make_offer(rolled_back_db, organization, region_prefix="1507", status="draft")
        station = bearer(settings, "station_staff", region="150781")
        elsewhere = bearer(settings, "station_staff", region="150102")
        app = bearer(settings, "app_client")
        assert (await client.get(f"/v1/offers/{published.id}", headers=station)).status_code == 200
        assert (await client.get(f"/v1/offers/{published.id}", headers=elsewhere)).status_code == 404
        assert (await client.get(f"/v1/offers/{draft.id}", headers=station)).status_code == 404
        assert (await client.get(f"/v1/offers/{draft.id}", headers=app)).status_code == 404
        admin = bearer(settings, "civil_affairs_admin", region="1507")
        assert (await client.get(f"/v1/offers/{draft.id}", headers=admin)).status_code == 200

    async def test_batch_leaves_out_what_you_cannot_read(
        self, client: httpx.AsyncClient, settings: Settings, rolled_back_db: Database
    ) -> None:
        organization = await make_organization(rolled_back_db)
        visible = await make_offer(rolled_back_db, organization)
        hidden = await make_offer(rolled_back_db, organization, status="draft")
        response = await client.get(
            f"/v1/offers:batch?ids={visible.id},{hidden.id}", headers=bearer(settings, "volunteer")
        )
        assert [item["id"] for item in response.json()["items"]] == [str(visible.id)]


class TestPersonalDataInTitle:
    async def test_create_and_edit_refuse_an_id_number(
        self, client: httpx.AsyncClient, settings: Settings, rolled_back_db: Database, connection: AsyncConnection
    ) -> None:
        organization = await make_organization(rolled_back_db)
        headers = bearer(settings, "org_staff", org_id=organization.id)
        refused = await client.post("/v1/offers", json=material(title="棉被 15078119480305123X"), headers=headers)
        assert refused.status_code == 422 and refused.json()["code"] == "PERSONAL_DATA_IN_TEXT"
        assert refused.json()["field"] == "title" and await offers_written(connection) == 0
        offer = (await client.post("/v1/offers", json=material(), headers=headers)).json()
        edit = await client.patch(
            f"/v1/offers/{offer['id']}", json={"title": "找13812345678"}, headers={**headers, "If-Match": '"1"'}
        )
        assert edit.status_code == 422 and edit.json()["field"] == "title"
