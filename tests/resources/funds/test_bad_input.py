"""Bad ledger entries are a 422 naming the field, and the books stay as they were."""

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.common.database import Database
from services.common.settings import Settings
from services.resources.models import AuditEntry, LedgerEntry, Organization
from tests.resources.factories import make_offer, make_organization
from tests.support.auth import bearer
from tests.support.validation import UNSTORABLE, assert_refused, send_json


@pytest.fixture
async def foundation(rolled_back_db: Database) -> Organization:
    return await make_organization(rolled_back_db, kind="community_foundation")


async def written(connection: AsyncConnection) -> tuple[int, int]:
    entries = await connection.scalar(select(func.count()).select_from(LedgerEntry))
    audits = await connection.scalar(select(func.count()).select_from(AuditEntry))
    return int(entries or 0), int(audits or 0)


def donation(**overrides: object) -> dict[str, object]:
    body = {"kind": "donation", "amount": "20.00", "donor_name": "王小明", "donor_is_individual": True}
    return {**body, "reference": "收据 1", **overrides}


class TestDonation:
    @pytest.mark.parametrize("text", UNSTORABLE)
    @pytest.mark.parametrize("field", ["donor_name", "reference"])
    async def test_unstorable_text_is_refused(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        rolled_back_db: Database,
        foundation: Organization,
        connection: AsyncConnection,
        field: str,
        text: str,
    ) -> None:
        fund = await make_offer(rolled_back_db, foundation, kind="fund", total=100)
        before = await written(connection)
        response = await send_json(
            client,
            "POST",
            f"/v1/funds/{fund.id}/entries",
            donation(**{field: text}),
            bearer(settings, "org_staff", org_id=foundation.id),
        )
        assert_refused(response, "body", "donation", field)
        assert await written(connection) == before

    @pytest.mark.parametrize(
        ("field", "override"),
        [("fund_id", {"fund_id": "00000000-0000-0000-0000-000000000000"}), ("amount", {"amount": 20.0})],
    )
    async def test_unknown_field_or_float_is_refused(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        rolled_back_db: Database,
        foundation: Organization,
        connection: AsyncConnection,
        field: str,
        override: dict[str, object],
    ) -> None:
        fund = await make_offer(rolled_back_db, foundation, kind="fund", total=100)
        before = await written(connection)
        response = await client.post(
            f"/v1/funds/{fund.id}/entries",
            json=donation(**override),
            headers=bearer(settings, "org_staff", org_id=foundation.id),
        )
        assert_refused(response, "body", "donation", field)
        assert await written(connection) == before
