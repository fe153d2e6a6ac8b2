"""Reads name the personal fields they show (`fields=`), and the audit names exactly those."""

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.case.models import AuditEntry
from services.case.recipients.views import PERSONAL_FIELDS
from services.common.settings import Settings
from tests.case.factories import make_recipient, make_tree
from tests.support.auth import bearer


async def personal_reads(session: AsyncSession) -> list[tuple[str, list[str]]]:
    rows = (await session.scalars(select(AuditEntry).where(AuditEntry.action == "read_personal"))).all()
    return [(row.entity_id, list(row.fields)) for row in rows]


async def _station_and_recipient(session: AsyncSession, settings: Settings):  # type: ignore[no-untyped-def]
    tree = await make_tree(session)
    recipient = await make_recipient(session, platform=tree["room"], name="王秀英", phone="13812345678")
    return recipient, bearer(settings, "station_staff", platform_id=tree["station"].id, subject="s-1")


class TestFieldSelection:
    async def test_only_the_named_field_is_unmasked_and_audited(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        recipient, staff = await _station_and_recipient(session, settings)
        body = (await client.get(f"/v1/recipients/{recipient.id}?fields=name", headers=staff)).json()
        assert (body["name"], body["masked"]) == ("王秀英", False)
        assert body["phone"] == "138****5678" and body["birth_date"] is None and body["health_notes"] is None
        assert "*" in body["id_number"] and body["address"].endswith("****")
        assert await personal_reads(session) == [(str(recipient.id), ["name"])]

    @pytest.mark.parametrize("path", ["/v1/recipients/{id}?fields=", "/v1/recipients:batch?ids={id}&fields="])
    async def test_no_personal_field_asked_writes_no_audit_row(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, path: str
    ) -> None:
        recipient, staff = await _station_and_recipient(session, settings)
        response = await client.get(path.format(id=recipient.id), headers=staff)
        assert response.status_code == 200, response.text
        body = response.json()
        shown = body["items"][0] if "items" in body else body
        assert (shown["name"], shown["phone"]) == ("王**", "138****5678")
        assert await personal_reads(session) == []

    async def test_batch_and_list_audit_the_fields_asked_in_a_fixed_order(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        recipient, staff = await _station_and_recipient(session, settings)
        batch = await client.get(f"/v1/recipients:batch?ids={recipient.id}&fields=phone,name", headers=staff)
        assert (batch.json()["items"][0]["name"], batch.json()["items"][0]["phone"]) == ("王秀英", "13812345678")
        listed = await client.get("/v1/recipients?fields=id_number", headers=staff)
        assert listed.json()["items"][0]["name"] == "王**"
        assert await personal_reads(session) == [
            (str(recipient.id), ["name", "phone"]),
            (str(recipient.id), ["id_number"]),
        ]

    async def test_without_fields_every_personal_field_is_shown_and_audited(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        recipient, staff = await _station_and_recipient(session, settings)
        body = (await client.get(f"/v1/recipients/{recipient.id}", headers=staff)).json()
        assert (body["name"], body["phone"]) == ("王秀英", "13812345678")
        assert await personal_reads(session) == [(str(recipient.id), PERSONAL_FIELDS)]

    async def test_admin_asking_for_fields_still_sees_masks_and_leaves_no_row(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        recipient, _ = await _station_and_recipient(session, settings)
        admin = bearer(settings, "civil_affairs_admin", region="1507")
        body = (await client.get(f"/v1/recipients/{recipient.id}?fields=name,phone", headers=admin)).json()
        assert (body["name"], body["phone"], body["masked"]) == ("王**", "138****5678", True)
        assert await personal_reads(session) == []

    @pytest.mark.parametrize("fields", ["gender", "name,,phone", "name;phone", "NAME"])
    async def test_unknown_field_is_422(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, fields: str
    ) -> None:
        recipient, staff = await _station_and_recipient(session, settings)
        response = await client.get(f"/v1/recipients/{recipient.id}", params={"fields": fields}, headers=staff)
        assert response.status_code == 422
        assert await personal_reads(session) == []
