"""Bad project input is a 422 naming the field, in English and zh-CN, and writes nothing."""

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.case.models import AuditEntry, Project
from services.common.settings import Settings
from tests.case.factories import make_tree
from tests.support.auth import bearer
from tests.support.validation import UNSTORABLE, assert_refused, send_json


async def written(session: AsyncSession) -> tuple[int, int]:
    projects = await session.scalar(select(func.count()).select_from(Project))
    audits = await session.scalar(select(func.count()).select_from(AuditEntry))
    return int(projects or 0), int(audits or 0)


class TestCreate:
    async def test_a_good_project_is_created(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        tree = await make_tree(session)
        response = await client.post(
            "/v1/projects",
            json={"platform_id": str(tree["station"].id), "name": " 圆梦微心愿 ", "description": "第一期\n第二期"},
            headers=bearer(settings, "station_staff", platform_id=tree["station"].id),
        )
        assert response.status_code == 201, response.text
        assert (response.json()["name"], response.json()["description"]) == ("圆梦微心愿", "第一期\n第二期")

    @pytest.mark.parametrize("text", UNSTORABLE)
    @pytest.mark.parametrize("field", ["name", "description"])
    async def test_unstorable_text_is_refused(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, field: str, text: str
    ) -> None:
        tree = await make_tree(session)
        before = await written(session)
        body = {"platform_id": str(tree["station"].id), "name": "圆梦微心愿", field: text}
        response = await send_json(
            client, "POST", "/v1/projects", body, bearer(settings, "station_staff", platform_id=tree["station"].id)
        )
        assert_refused(response, "body", field)
        assert await written(session) == before

    @pytest.mark.parametrize(
        "override", [{"name": ""}, {"name": "项" * 201}, {"description": "述" * 4001}, {"region_code": "150782"}]
    )
    async def test_blank_overlong_or_unknown_is_refused(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, override: dict[str, str]
    ) -> None:
        tree = await make_tree(session)
        before = await written(session)
        response = await client.post(
            "/v1/projects",
            json={"platform_id": str(tree["station"].id), "name": "圆梦微心愿", **override},
            headers=bearer(settings, "station_staff", platform_id=tree["station"].id),
        )
        assert_refused(response, "body", next(iter(override)))
        assert await written(session) == before
