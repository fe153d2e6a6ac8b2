"""Bad organisation input is a 422 naming the field; verification changes only by verify and reject."""

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.common.database import Database
from services.common.settings import Settings
from services.resources.models import AuditEntry, Organization, OutboxEvent
from tests.resources.factories import make_organization
from tests.resources.organizations.test_endpoints import registration
from tests.support.auth import bearer
from tests.support.validation import UNSTORABLE, assert_refused, send_json

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


async def written(connection: AsyncConnection) -> tuple[int, ...]:
    models = (Organization, AuditEntry, OutboxEvent)
    return tuple([int(await connection.scalar(select(func.count()).select_from(m)) or 0) for m in models])


class TestRegister:
    @pytest.mark.parametrize("text", UNSTORABLE)
    @pytest.mark.parametrize("field", ["name", "contact_name"])
    async def test_unstorable_text_is_refused(
        self, client: httpx.AsyncClient, settings: Settings, connection: AsyncConnection, field: str, text: str
    ) -> None:
        response = await send_json(
            client,
            "POST",
            "/v1/organizations",
            registration(**{field: text}),
            bearer(settings, "civil_affairs_admin", region="1507"),
        )
        assert_refused(response, "body", field)
        assert await written(connection) == (0, 0, 0)

    @pytest.mark.parametrize(
        ("field", "override"),
        [
            ("verification_status", {"verification_status": "verified"}),
            ("version", {"version": 7}),
            ("contact_phone", {"contact_phone": "13912345678".translate(ARABIC_INDIC)}),
            ("contact_phone", {"contact_phone": "１３９１２３４５６７８"}),
            ("name", {"name": "会" * 201}),
            ("contact_name", {"contact_name": "张" * 101}),
        ],
    )
    async def test_unknown_or_foreign_is_refused(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        connection: AsyncConnection,
        field: str,
        override: dict[str, object],
    ) -> None:
        response = await client.post(
            "/v1/organizations",
            json=registration(**override),
            headers=bearer(settings, "civil_affairs_admin", region="1507"),
        )
        assert_refused(response, "body", field)
        assert await written(connection) == (0, 0, 0)


class TestUpdate:
    @pytest.mark.parametrize(
        "change",
        [
            {"verification_status": "verified"},
            {"kind": "enterprise"},
            {"credit_code": "91440300708461136T"},
            {"name": "满洲里市\x00基金会"},
            {"contact_name": "张\x1b伟"},
        ],
    )
    async def test_bad_change_is_refused_and_the_organisation_stays(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        rolled_back_db: Database,
        connection: AsyncConnection,
        change: dict[str, object],
    ) -> None:
        organization = await make_organization(rolled_back_db, verification_status="pending")
        before = await written(connection)
        response = await client.patch(
            f"/v1/organizations/{organization.id}",
            json=change,
            headers={**bearer(settings, "org_staff", org_id=organization.id), "If-Match": '"1"'},
        )
        assert_refused(response, "body", next(iter(change)))
        row = (await connection.execute(select(Organization).where(Organization.id == organization.id))).one()
        assert (row.verification_status, row.version, row.name, row.kind) == (
            "pending",
            1,
            organization.name,
            "charity",
        )
        assert await written(connection) == before
