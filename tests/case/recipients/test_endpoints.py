import uuid
from datetime import date

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.case.models import AuditEntry, Recipient
from services.common.settings import Settings
from tests.case.factories import make_id_number, make_platform, make_recipient, make_tree
from tests.support.auth import bearer

BIRTH = date(1944, 6, 1)


def new_recipient(platform_id: uuid.UUID, **overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "platform_id": str(platform_id),
        "region_code": "150781001",
        "name": "巴特尔",
        "gender": "male",
        "birth_date": BIRTH.isoformat(),
        "categories": ["elderly", "empty_nest", "tekun"],
        "id_number": make_id_number("150781", BIRTH, 77),
        "phone": "13947012345",
        "address": "满洲里市东山街道团结路8号",
        "consent": {"given_by": "本人", "given_at": "2026-11-01T08:00:00Z", "purpose": "救助与资源链接"},
    }
    body.update(overrides)
    return body


async def count(session: AsyncSession, model: type) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


class TestCreate:
    async def test_station_records_a_recipient_with_encrypted_id(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        tree = await make_tree(session)
        body = new_recipient(tree["station"].id)
        response = await client.post(
            "/v1/recipients", json=body, headers=bearer(settings, "station_staff", platform_id=tree["station"].id)
        )
        assert response.status_code == 201, response.text
        created = response.json()
        assert created["masked"] is False and created["id_number"] == body["id_number"]
        stored = await session.get(Recipient, uuid.UUID(created["id"]))
        assert stored is not None and body["id_number"] not in stored.id_number_encrypted

    @pytest.mark.parametrize(
        "override",
        [
            {"id_number": "150781194406010771"},  # wrong check digit
            {"id_number": "15078119440601077"},  # 17 characters
            {"phone": "12345"},
            {"region_code": "159901"},  # unknown county
            {"categories": ["elderly", "rich"]},  # unknown category
            {"categories": []},
            {"birth_date": "1950-01-01"},  # does not match the ID number
            {"gender": "unknown"},
            {"disability_grade": 7},
            # Consent records a legal fact: when, with an offset, not in the future, and a real time.
            {"consent": {"given_by": "本人", "given_at": "2026-11-01T08:00:00", "purpose": "救助"}},
            {"consent": {"given_by": "本人", "given_at": "2199-01-01T08:00:00Z", "purpose": "救助"}},
            {"consent": {"given_by": "本人", "given_at": "9999-12-31T23:59:59-14:00", "purpose": "救助"}},
            {"consent": {"given_by": "本人", "given_at": "1899-12-31T23:59:59Z", "purpose": "救助"}},
        ],
    )
    async def test_bad_input_is_refused_and_nothing_is_written(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, override: dict[str, object]
    ) -> None:
        tree = await make_tree(session)
        before = (await count(session, Recipient), await count(session, AuditEntry))
        response = await client.post(
            "/v1/recipients",
            json=new_recipient(tree["station"].id, **override),
            headers=bearer(settings, "station_staff", platform_id=tree["station"].id),
        )
        assert response.status_code == 422
        assert response.json()["code"] == "VALIDATION_FAILED"
        assert (await count(session, Recipient), await count(session, AuditEntry)) == before

    async def test_duplicate_id_number_is_409_naming_the_existing_record_masked(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        tree = await make_tree(session)
        id_number = make_id_number("150781", BIRTH, 5)
        existing = await make_recipient(
            session, platform=tree["room"], name="巴特尔", id_number=id_number, birth_date=BIRTH
        )
        response = await client.post(
            "/v1/recipients",
            json=new_recipient(tree["station"].id, id_number=id_number),
            headers=bearer(settings, "station_staff", platform_id=tree["station"].id),
        )
        assert response.status_code == 409 and response.json()["code"] == "RECIPIENT_ALREADY_RECORDED"
        assert response.json()["existing"] == {"id": str(existing.id), "name": "巴**"}

    async def test_admin_cannot_record_recipients(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        tree = await make_tree(session)
        response = await client.post(
            "/v1/recipients",
            json=new_recipient(tree["station"].id),
            headers=bearer(settings, "civil_affairs_admin", region="15"),
        )
        assert response.status_code == 403

    async def test_retried_post_with_same_key_creates_one_row(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        tree = await make_tree(session)
        headers = {**bearer(settings, "station_staff", platform_id=tree["station"].id), "Idempotency-Key": "r-1"}
        body = new_recipient(tree["station"].id)
        first = await client.post("/v1/recipients", json=body, headers=headers)
        second = await client.post("/v1/recipients", json=body, headers=headers)
        assert first.status_code == second.status_code == 201
        assert first.json()["id"] == second.json()["id"]
        assert await count(session, Recipient) == 1


class TestReadScopeAndMasking:
    async def test_other_station_gets_404(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        tree = await make_tree(session)
        station_b = await make_platform(session, parent=tree["centre"], region_code="150781002", name="B站")
        recipient = await make_recipient(session, platform=tree["station"])
        response = await client.get(
            f"/v1/recipients/{recipient.id}", headers=bearer(settings, "station_staff", platform_id=station_b.id)
        )
        assert response.status_code == 404
        assert response.json()["code"] == "NOT_FOUND"

    async def test_station_sees_its_rooms_recipients_unmasked_and_the_read_is_audited(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        tree = await make_tree(session)
        recipient = await make_recipient(session, platform=tree["room"], name="王秀英", phone="13812345678")
        response = await client.get(
            f"/v1/recipients/{recipient.id}",
            headers=bearer(settings, "station_staff", platform_id=tree["station"].id, subject="s-1"),
        )
        body = response.json()
        assert (body["name"], body["phone"], body["masked"]) == ("王秀英", "13812345678", False)
        audits = (await session.scalars(select(AuditEntry).where(AuditEntry.entity_id == str(recipient.id)))).all()
        assert [(a.actor, a.action) for a in audits] == [("s-1", "read_personal")]

    async def test_admin_sees_masked_fields_and_no_personal_read_is_audited(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        tree = await make_tree(session)
        id_number = make_id_number("150781", date(1948, 3, 5), 123)
        recipient = await make_recipient(session, platform=tree["room"], name="王秀英", id_number=id_number)
        response = await client.get(
            f"/v1/recipients/{recipient.id}", headers=bearer(settings, "civil_affairs_admin", region="1507")
        )
        body = response.json()
        assert body["masked"] is True
        assert body["name"] == "王**"
        assert body["id_number"] == id_number[:3] + "*" * 11 + id_number[-4:]
        assert body["phone"] == "138****5678"
        assert body["birth_date"] is None and body["health_notes"] is None and body["location"] is None
        assert await count(session, AuditEntry) == 0

    async def test_admin_of_another_region_gets_404(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        tree = await make_tree(session)
        recipient = await make_recipient(session, platform=tree["room"])
        response = await client.get(
            f"/v1/recipients/{recipient.id}", headers=bearer(settings, "civil_affairs_admin", region="1501")
        )
        assert response.status_code == 404

    @pytest.mark.parametrize("role", ["org_staff", "volunteer", "app_client"])
    async def test_outsiders_see_no_recipients(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, role: str
    ) -> None:
        tree = await make_tree(session)
        recipient = await make_recipient(session, platform=tree["room"])
        headers = bearer(settings, role, org_id=uuid.uuid4(), scopes=["wishes:read"])
        assert (await client.get(f"/v1/recipients/{recipient.id}", headers=headers)).status_code == 404
        assert (await client.get("/v1/recipients", headers=headers)).json()["items"] == []

    async def test_list_filters_by_category_and_pages(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        tree = await make_tree(session)
        for i in range(3):
            await make_recipient(
                session, platform=tree["station"], categories=["child", "left_behind"], birth_date=date(2015, 1, i + 1)
            )
        await make_recipient(session, platform=tree["station"], categories=["elderly"])
        headers = bearer(settings, "station_staff", platform_id=tree["station"].id)
        first = (await client.get("/v1/recipients?category=left_behind&limit=2", headers=headers)).json()
        second = (
            await client.get(
                f"/v1/recipients?category=left_behind&limit=2&cursor={first['next_cursor']}", headers=headers
            )
        ).json()
        ids = [r["id"] for r in first["items"] + second["items"]]
        assert len(ids) == len(set(ids)) == 3 and second["next_cursor"] is None


class TestUpdate:
    async def test_phone_change_needs_current_version(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        tree = await make_tree(session)
        recipient = await make_recipient(session, platform=tree["station"])
        headers = bearer(settings, "station_staff", platform_id=tree["station"].id)
        ok = await client.patch(
            f"/v1/recipients/{recipient.id}", json={"phone": "13900001111"}, headers={**headers, "If-Match": '"1"'}
        )
        assert ok.status_code == 200 and ok.json()["phone"] == "13900001111"
        stale = await client.patch(
            f"/v1/recipients/{recipient.id}", json={"phone": "13900002222"}, headers={**headers, "If-Match": '"1"'}
        )
        assert stale.status_code == 412
