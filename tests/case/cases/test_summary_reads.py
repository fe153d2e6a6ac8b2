"""A case's summary is a staff note that may name the person: each read of it is audited."""

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.case.models import AuditEntry
from services.common.settings import Settings
from tests.case.factories import make_case, make_recipient, make_tree
from tests.support.auth import bearer


async def summary_reads(session: AsyncSession) -> list[tuple[str, str, list[str]]]:
    statement = select(AuditEntry).where(AuditEntry.action == "read_personal", AuditEntry.entity == "case")
    return [(row.actor, row.entity_id, list(row.fields)) for row in (await session.scalars(statement)).all()]


async def _case(session: AsyncSession, summary: str = "王秀英独居，女儿在外地"):  # type: ignore[no-untyped-def]
    tree = await make_tree(session)
    recipient = await make_recipient(session, platform=tree["room"])
    return tree, await make_case(session, recipient=recipient, state="assessment", summary=summary)


class TestSummaryReads:
    @pytest.mark.parametrize("path", ["/v1/cases/{id}", "/v1/cases:batch?ids={id}", "/v1/cases?recipient_id={r}"])
    async def test_a_summary_shown_writes_one_audit_row(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, path: str
    ) -> None:
        tree, case = await _case(session)
        staff = bearer(settings, "station_staff", platform_id=tree["station"].id, subject="s-1")
        response = await client.get(path.format(id=case.id, r=case.recipient_id), headers=staff)
        body = response.json()
        shown = body["items"][0] if "items" in body else body
        assert shown["summary"] == "王秀英独居，女儿在外地"
        assert await summary_reads(session) == [("s-1", str(case.id), ["summary"])]

    async def test_fields_without_summary_hides_it_and_writes_none(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        tree, case = await _case(session)
        staff = bearer(settings, "station_staff", platform_id=tree["station"].id)
        body = (await client.get(f"/v1/cases/{case.id}?fields=", headers=staff)).json()
        assert body["summary"] is None and body["state"] == "assessment"
        assert (await client.get(f"/v1/cases/{case.id}?fields=summary", headers=staff)).json()["summary"]
        assert len(await summary_reads(session)) == 1

    async def test_an_empty_summary_or_a_masked_caller_reads_nothing(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        tree, case = await _case(session, summary="")
        staff = bearer(settings, "station_staff", platform_id=tree["station"].id)
        assert (await client.get(f"/v1/cases/{case.id}", headers=staff)).json()["summary"] == ""
        _, other = await _case(session, summary="独居")
        admin = bearer(settings, "civil_affairs_admin", region="1507")
        assert (await client.get(f"/v1/cases/{other.id}", headers=admin)).json()["summary"] is None
        assert await summary_reads(session) == []

    async def test_a_write_that_answers_with_the_summary_audits_it(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        tree, case = await _case(session)
        staff = bearer(settings, "station_staff", platform_id=tree["station"].id, subject="s-2")
        response = await client.patch(
            f"/v1/cases/{case.id}", json={"risk_level": "high"}, headers={**staff, "If-Match": f'"{case.version}"'}
        )
        assert response.status_code == 200, response.text
        assert await summary_reads(session) == [("s-2", str(case.id), ["summary"])]

    async def test_unknown_field_is_422(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        tree, case = await _case(session)
        staff = bearer(settings, "station_staff", platform_id=tree["station"].id)
        assert (await client.get(f"/v1/cases/{case.id}?fields=name", headers=staff)).status_code == 422
