import uuid

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.case.models import Platform
from services.common.settings import Settings
from tests.case.factories import make_platform, make_staff, make_tree
from tests.support.auth import bearer


class TestCreate:
    async def test_admin_creates_a_county_centre(self, client: httpx.AsyncClient, settings: Settings) -> None:
        response = await client.post(
            "/v1/platforms",
            json={"name": "满洲里市社工服务中心", "level": "county_centre", "region_code": "150781"},
            headers=bearer(settings, "civil_affairs_admin", region="15"),
        )
        assert response.status_code == 201, response.text
        assert response.json()["level"] == "county_centre"

    async def test_centre_staff_add_a_station_under_their_centre(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        centre = await make_platform(session, level="county_centre", region_code="150781")
        response = await client.post(
            "/v1/platforms",
            json={
                "name": "东山街道社工站",
                "level": "station",
                "parent_id": str(centre.id),
                "region_code": "150781001",
                "service_model": "embedded",
            },
            headers=bearer(settings, "centre_staff", platform_id=centre.id, region="150781"),
        )
        assert response.status_code == 201, response.text
        created = await session.get(Platform, uuid.UUID(response.json()["id"]))
        assert created is not None and created.path == f"{centre.path}{created.id}/"

    async def test_station_outside_parent_region_is_refused(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        centre = await make_platform(session, level="county_centre", region_code="150781")
        before = await session.scalar(select(func.count()).select_from(Platform))
        response = await client.post(
            "/v1/platforms",
            json={"name": "x", "level": "station", "parent_id": str(centre.id), "region_code": "150782001"},
            headers=bearer(settings, "centre_staff", platform_id=centre.id),
        )
        assert response.status_code == 400
        assert await session.scalar(select(func.count()).select_from(Platform)) == before

    async def test_unknown_region_code_is_422(self, client: httpx.AsyncClient, settings: Settings) -> None:
        response = await client.post(
            "/v1/platforms",
            json={"name": "x", "level": "county_centre", "region_code": "159999"},
            headers=bearer(settings, "civil_affairs_admin"),
        )
        assert response.status_code == 422

    async def test_station_staff_cannot_create_a_centre(self, client: httpx.AsyncClient, settings: Settings) -> None:
        response = await client.post(
            "/v1/platforms",
            json={"name": "x", "level": "county_centre", "region_code": "150781"},
            headers=bearer(settings, "station_staff", platform_id=uuid.uuid4()),
        )
        assert response.status_code == 403


class TestScope:
    async def test_station_sees_its_subtree_and_ancestors_not_siblings(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        tree = await make_tree(session)
        sibling = await make_platform(session, parent=tree["centre"], region_code="150781002", name="兄弟站")
        headers = bearer(settings, "station_staff", platform_id=tree["station"].id)
        listed = (await client.get("/v1/platforms", headers=headers)).json()["items"]
        assert {p["id"] for p in listed} == {str(tree[k].id) for k in ("centre", "station", "room")}
        assert (await client.get(f"/v1/platforms/{sibling.id}", headers=headers)).status_code == 404

    async def test_station_staff_cannot_change_their_centre(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        tree = await make_tree(session)
        response = await client.patch(
            f"/v1/platforms/{tree['centre'].id}",
            json={"name": "改名"},
            headers={**bearer(settings, "station_staff", platform_id=tree["station"].id), "If-Match": '"1"'},
        )
        assert response.status_code == 403

    async def test_org_staff_see_no_platforms(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        await make_tree(session)
        response = await client.get("/v1/platforms", headers=bearer(settings, "org_staff", org_id=uuid.uuid4()))
        assert response.json()["items"] == []


class TestUpdate:
    async def test_etag_and_stale_if_match(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        tree = await make_tree(session)
        headers = bearer(settings, "station_staff", platform_id=tree["station"].id)
        read = await client.get(f"/v1/platforms/{tree['room'].id}", headers=headers)
        assert read.headers["etag"] == '"1"'
        ok = await client.patch(
            f"/v1/platforms/{tree['room'].id}",
            json={"phone": "0470-6221234"},
            headers={**headers, "If-Match": read.headers["etag"]},
        )
        assert ok.status_code == 200 and ok.headers["etag"] == '"2"'
        stale = await client.patch(
            f"/v1/platforms/{tree['room'].id}",
            json={"phone": "0470-6220000"},
            headers={**headers, "If-Match": read.headers["etag"]},
        )
        assert stale.status_code == 412 and stale.json()["code"] == "STALE_VERSION"

    async def test_missing_if_match_is_428(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        tree = await make_tree(session)
        response = await client.patch(
            f"/v1/platforms/{tree['room'].id}",
            json={"phone": "0470-6221234"},
            headers=bearer(settings, "station_staff", platform_id=tree["station"].id),
        )
        assert response.status_code == 428


class TestStaff:
    async def test_add_and_list_staff_with_certification(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        tree = await make_tree(session)
        headers = bearer(settings, "station_staff", platform_id=tree["station"].id)
        created = await client.post(
            f"/v1/platforms/{tree['station'].id}/staff",
            json={
                "name": "其其格",
                "role": "resident_worker",
                "specialty": "child_director",
                "certification": "social_worker",
            },
            headers=headers,
        )
        assert created.status_code == 201, created.text
        listed = (await client.get(f"/v1/platforms/{tree['station'].id}/staff", headers=headers)).json()
        assert [(s["name"], s["certification"]) for s in listed] == [("其其格", "social_worker")]

    async def test_batch_leaves_out_other_stations_staff(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        tree = await make_tree(session)
        other = await make_platform(session, parent=tree["centre"], region_code="150781002")
        mine = await make_staff(session, platform=tree["station"])
        theirs = await make_staff(session, platform=other)
        response = await client.get(
            f"/v1/staff:batch?ids={mine.id},{theirs.id}",
            headers=bearer(settings, "station_staff", platform_id=tree["station"].id),
        )
        assert [s["id"] for s in response.json()["items"]] == [str(mine.id)]
