"""Bad platform and staff input is a 422 naming the field, in English and zh-CN, and writes nothing."""

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.case.models import AuditEntry, Platform, Staff
from services.common.settings import Settings
from tests.case.factories import make_tree
from tests.support.auth import bearer
from tests.support.validation import UNSTORABLE, assert_refused, send_json


async def written(session: AsyncSession) -> tuple[int, ...]:
    counts = [await session.scalar(select(func.count()).select_from(m)) for m in (Platform, Staff, AuditEntry)]
    return tuple(int(c or 0) for c in counts)


def new_centre(**overrides: object) -> dict[str, object]:
    return {"name": "满洲里市社工服务中心", "level": "county_centre", "region_code": "150781", **overrides}


class TestCreatePlatform:
    @pytest.mark.parametrize("text", UNSTORABLE)
    @pytest.mark.parametrize("field", ["name", "address", "phone"])
    async def test_unstorable_text_is_refused(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, field: str, text: str
    ) -> None:
        before = await written(session)
        response = await send_json(
            client, "POST", "/v1/platforms", new_centre(**{field: text}), bearer(settings, "civil_affairs_admin")
        )
        assert_refused(response, "body", field)
        assert await written(session) == before

    @pytest.mark.parametrize(("field", "limit"), [("name", 200), ("address", 300), ("phone", 30)])
    async def test_overlong_text_is_refused(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, field: str, limit: int
    ) -> None:
        before = await written(session)
        response = await client.post(
            "/v1/platforms",
            json=new_centre(**{field: "站" * (limit + 1)}),
            headers=bearer(settings, "civil_affairs_admin"),
        )
        assert_refused(response, "body", field)
        assert await written(session) == before

    async def test_unknown_field_is_refused(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        before = await written(session)
        response = await client.post(
            "/v1/platforms", json=new_centre(path="/elsewhere/"), headers=bearer(settings, "civil_affairs_admin")
        )
        assert_refused(response, "body", "path")
        assert await written(session) == before


class TestUpdatePlatform:
    @pytest.mark.parametrize(
        "change",
        [{"name": "东山\x00社工室"}, {"address": "团结路\x1b8号"}, {"region_code": "150782001"}, {"version": 9}],
    )
    async def test_bad_change_is_refused_and_the_platform_stays(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, change: dict[str, object]
    ) -> None:
        tree = await make_tree(session)
        room = tree["room"]
        before = (room.name, room.address, room.region_code, room.version, await written(session))
        response = await client.patch(
            f"/v1/platforms/{room.id}",
            json=change,
            headers={**bearer(settings, "station_staff", platform_id=tree["station"].id), "If-Match": '"1"'},
        )
        assert_refused(response, "body", next(iter(change)))
        await session.refresh(room)
        assert (room.name, room.address, room.region_code, room.version, await written(session)) == before


class TestAddStaff:
    @pytest.mark.parametrize("subject", ["", "   ", "\u3000", "worker\x00one", "x" * 201])
    async def test_a_subject_that_names_nobody_is_refused(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, subject: str
    ) -> None:
        tree = await make_tree(session)
        before = await written(session)
        response = await client.post(
            f"/v1/platforms/{tree['station'].id}/staff",
            json={"name": "其其格", "role": "resident_worker", "subject": subject},
            headers=bearer(settings, "station_staff", platform_id=tree["station"].id),
        )
        assert_refused(response, "body", "subject")
        assert await written(session) == before

    async def test_two_staff_without_a_subject_are_fine(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        tree = await make_tree(session)
        headers = bearer(settings, "station_staff", platform_id=tree["station"].id)
        for name in ("其其格", "乌云"):
            response = await client.post(
                f"/v1/platforms/{tree['station'].id}/staff",
                json={"name": name, "role": "resident_worker"},
                headers=headers,
            )
            assert response.status_code == 201, response.text

    @pytest.mark.parametrize("body", [{"name": "其\x00其格"}, {"name": " "}, {"name": "其" * 101}, {"active": False}])
    async def test_bad_name_or_unknown_field_is_refused(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, body: dict[str, object]
    ) -> None:
        tree = await make_tree(session)
        before = await written(session)
        response = await client.post(
            f"/v1/platforms/{tree['station'].id}/staff",
            json={"name": "其其格", "role": "resident_worker", **body},
            headers=bearer(settings, "station_staff", platform_id=tree["station"].id),
        )
        assert_refused(response, "body", next(iter(body)))
        assert await written(session) == before
