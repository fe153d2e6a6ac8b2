"""Bad recipient input is a 422 naming the field, in English and zh-CN, and writes nothing."""

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.case.models import AuditEntry, Recipient
from services.common.settings import Settings
from tests.case.factories import make_id_number, make_recipient, make_tree
from tests.case.recipients.test_endpoints import BIRTH, new_recipient
from tests.support.auth import bearer
from tests.support.validation import UNSTORABLE, assert_refused, send_json

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


async def written(session: AsyncSession) -> tuple[int, int]:
    recipients = await session.scalar(select(func.count()).select_from(Recipient))
    audits = await session.scalar(select(func.count()).select_from(AuditEntry))
    return int(recipients or 0), int(audits or 0)


def with_consent(**consent: str) -> dict[str, object]:
    return {"consent": {"given_by": "本人", "given_at": "2026-11-01T08:00:00Z", "purpose": "救助与资源链接", **consent}}


class TestCreate:
    @pytest.mark.parametrize("text", UNSTORABLE)
    @pytest.mark.parametrize("field", ["name", "address", "health_notes", "consent.given_by", "consent.purpose"])
    async def test_unstorable_text_is_refused(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, field: str, text: str
    ) -> None:
        tree = await make_tree(session)
        head, _, tail = field.partition(".")
        override = with_consent(**{tail: text}) if tail else {head: text}
        before = await written(session)
        response = await send_json(
            client,
            "POST",
            "/v1/recipients",
            new_recipient(tree["station"].id, **override),
            bearer(settings, "station_staff", platform_id=tree["station"].id),
        )
        assert_refused(response, "body", *field.split("."))
        assert await written(session) == before

    @pytest.mark.parametrize(
        ("field", "override"),
        [
            ("name", {"name": "巴" * 101}),
            ("name", {"name": "  "}),
            ("address", {"address": "路" * 301}),
            ("health_notes", {"health_notes": "高" * 2001}),
            ("address", {"address": "团结路\n8号"}),  # an address is one line
            ("id_number", {"id_number": make_id_number("150781", BIRTH, 77).translate(ARABIC_INDIC)}),
            ("phone", {"phone": "13947012345".translate(ARABIC_INDIC)}),
            ("region_code", {"region_code": "١٥٠٧٨١٠٠١"}),
            ("masked", {"masked": False}),
            ("consent.version", with_consent(version="2")),
            ("location.altitude", {"location": {"latitude": 49.6, "longitude": 117.4, "altitude": 700}}),
        ],
    )
    async def test_overlong_foreign_or_unknown_is_refused(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        session: AsyncSession,
        field: str,
        override: dict[str, object],
    ) -> None:
        tree = await make_tree(session)
        before = await written(session)
        response = await client.post(
            "/v1/recipients",
            json=new_recipient(tree["station"].id, **override),
            headers=bearer(settings, "station_staff", platform_id=tree["station"].id),
        )
        assert_refused(response, "body", *field.split("."))
        assert await written(session) == before

    async def test_notes_keep_their_lines(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        tree = await make_tree(session)
        response = await client.post(
            "/v1/recipients",
            json=new_recipient(tree["station"].id, health_notes="高血压\n糖尿病\t已服药"),
            headers=bearer(settings, "station_staff", platform_id=tree["station"].id),
        )
        assert response.status_code == 201, response.text
        assert response.json()["health_notes"] == "高血压\n糖尿病\t已服药"


class TestUpdate:
    @pytest.mark.parametrize(
        "change",
        [
            {"name": "王\x00秀英"},
            {"address": "幸福\x1b小区"},
            {"health_notes": "\x7f"},
            {"region_code": "150782001"},
            {"platform_id": "00000000-0000-0000-0000-000000000000"},
        ],
    )
    async def test_bad_change_is_refused_and_the_recipient_stays(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, change: dict[str, object]
    ) -> None:
        tree = await make_tree(session)
        recipient = await make_recipient(session, platform=tree["station"])
        before = (recipient.name, recipient.region_code, recipient.version, await written(session))
        response = await client.patch(
            f"/v1/recipients/{recipient.id}",
            json=change,
            headers={**bearer(settings, "station_staff", platform_id=tree["station"].id), "If-Match": '"1"'},
        )
        assert_refused(response, "body", next(iter(change)))
        await session.refresh(recipient)
        assert (recipient.name, recipient.region_code, recipient.version, await written(session)) == before


class TestSearch:
    @pytest.mark.parametrize("name", ["王\x00", "王\x1b", "王" * 51])
    async def test_an_unstorable_or_overlong_name_is_refused(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, name: str
    ) -> None:
        tree = await make_tree(session)
        response = await client.get(
            "/v1/recipients",
            params={"name": name},
            headers=bearer(settings, "station_staff", platform_id=tree["station"].id),
        )
        assert_refused(response, "query", "name")
