"""Bad offer input is a 422 naming the field, and writes nothing: no offer, no version, no audit row."""

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.common.database import Database
from services.common.settings import Settings
from services.resources.models import AuditEntry, LedgerEntry, Offer, OutboxEvent
from tests.resources.factories import make_offer, make_organization
from tests.resources.offers.test_endpoints import material
from tests.support.auth import bearer
from tests.support.validation import UNSTORABLE, assert_refused, send_json


async def written(connection: AsyncConnection) -> tuple[int, ...]:
    models = (Offer, LedgerEntry, AuditEntry, OutboxEvent)
    return tuple([int(await connection.scalar(select(func.count()).select_from(m)) or 0) for m in models])


def fund(**overrides: object) -> dict[str, object]:
    return {"kind": "fund", "title": "困境儿童助学金", "amount": "5000.00", "region_prefix": "1507", **overrides}


class TestCreate:
    @pytest.mark.parametrize("text", UNSTORABLE)
    @pytest.mark.parametrize("field", ["title", "description"])
    async def test_unstorable_text_is_refused(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        rolled_back_db: Database,
        connection: AsyncConnection,
        field: str,
        text: str,
    ) -> None:
        organization = await make_organization(rolled_back_db)
        before = await written(connection)
        response = await send_json(
            client,
            "POST",
            "/v1/offers",
            material(**{field: text}),
            bearer(settings, "org_staff", org_id=organization.id),
        )
        assert_refused(response, "body", field)
        assert await written(connection) == before

    @pytest.mark.parametrize(
        ("loc", "body"),
        [
            (("status",), material(status="published")),
            (("org_id",), material(org_id="00000000-0000-0000-0000-000000000000")),
            (("restrictions", "version"), fund(restrictions={"purposes": ["books"], "version": 2})),
            (("title",), material(title="被" * 201)),
            (("description",), material(description="述" * 4001)),
            (("amount",), fund(amount=5000.0)),
            (("region_prefix",), material(region_prefix="١٥٠٧")),
            (("valid_until",), material(valid_until="2020-01-01T00:00:00Z")),  # already past (issue 17)
            (("valid_until",), material(valid_until="2199-01-01T00:00:00Z")),  # beyond the planning horizon
        ],
    )
    async def test_unknown_overlong_or_foreign_is_refused(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        rolled_back_db: Database,
        connection: AsyncConnection,
        loc: tuple[str, ...],
        body: dict[str, object],
    ) -> None:
        organization = await make_organization(rolled_back_db)
        before = await written(connection)
        response = await client.post(
            "/v1/offers", json=body, headers=bearer(settings, "org_staff", org_id=organization.id)
        )
        assert_refused(response, "body", *loc)
        assert await written(connection) == before

    async def test_a_description_keeps_its_lines(
        self, client: httpx.AsyncClient, settings: Settings, rolled_back_db: Database
    ) -> None:
        organization = await make_organization(rolled_back_db)
        response = await client.post(
            "/v1/offers",
            json=material(title="  冬季棉被  ", description="规格：\n\t1.5 米"),
            headers=bearer(settings, "org_staff", org_id=organization.id),
        )
        assert response.status_code == 201, response.text
        assert (response.json()["title"], response.json()["description"]) == ("冬季棉被", "规格：\n\t1.5 米")


class TestUpdate:
    @pytest.mark.parametrize(
        "change",
        [
            {"status": "published"},
            {"total": 1000},
            {"region_prefix": "15"},
            {"title": "冬季\x00棉被"},
            {"description": "\x1b[31m"},
        ],
    )
    async def test_bad_change_is_refused_and_the_offer_stays(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        rolled_back_db: Database,
        connection: AsyncConnection,
        change: dict[str, object],
    ) -> None:
        organization = await make_organization(rolled_back_db)
        offer = await make_offer(rolled_back_db, organization, status="draft")
        before = await written(connection)
        response = await client.patch(
            f"/v1/offers/{offer.id}",
            json=change,
            headers={**bearer(settings, "org_staff", org_id=organization.id), "If-Match": f'"{offer.version}"'},
        )
        assert_refused(response, "body", next(iter(change)))
        row = (await connection.execute(select(Offer).where(Offer.id == offer.id))).one()
        assert (row.status, row.version, row.title, row.region_prefix) == ("draft", offer.version, offer.title, "1507")
        assert await written(connection) == before


class TestSearch:
    async def test_a_region_in_other_digits_is_refused(self, client: httpx.AsyncClient, settings: Settings) -> None:
        response = await client.get("/v1/offers", params={"region": "١٥٠٧٨١"}, headers=bearer(settings, "volunteer"))
        assert_refused(response, "query", "region")
