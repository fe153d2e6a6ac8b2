"""Importing micro-wishes from a sheet, and the wish-list export."""

import io
from datetime import date, timedelta

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.case.imports.sheets import XLSX
from services.case.models import Need, Platform, Project
from services.common.settings import Settings
from tests.case.factories import make_case, make_id_number, make_need, make_project, make_recipient, make_tree
from tests.case.imports.sheets import WISH_HEADERS, xlsx
from tests.support.auth import bearer


@pytest.fixture
async def tree(session: AsyncSession) -> dict[str, Platform]:
    return await make_tree(session)


def staff(settings: Settings, station: Platform) -> dict[str, str]:
    return bearer(settings, "station_staff", platform_id=station.id, region="150781", subject="station-worker")


async def person(session: AsyncSession, station: Platform, serial: int, state: str = "intervention") -> str:
    number = make_id_number(birth=date(1950, 1, 1) + timedelta(days=serial), serial=serial)
    recipient = await make_recipient(session, platform=station, id_number=number)
    await make_case(session, recipient=recipient, state=state)
    return number


def wish(number: str, title: str = "一台收音机", category: str = "小家电", deadline: object = None) -> list[object]:
    return [number, title, category, 1, "80", deadline or (date.today() + timedelta(days=30)), "社工入户了解"]


async def upload(
    client: httpx.AsyncClient,
    settings: Settings,
    station: Platform,
    rows: list[list[object]],
    project: Project | None = None,
) -> httpx.Response:
    params = {"platform_id": str(station.id), **({"project_id": str(project.id)} if project else {})}
    return await client.post(
        "/v1/imports/micro-wishes",
        params=params,
        content=xlsx(WISH_HEADERS, rows),
        headers={**staff(settings, station), "Content-Type": XLSX},
    )


class TestWishImport:
    async def test_every_problem_is_reported_and_nothing_published(
        self, client: httpx.AsyncClient, settings: Settings, tree: dict[str, Platform], session: AsyncSession
    ) -> None:
        station = tree["station"]
        good = await person(session, station, 1)
        at_intake = await person(session, station, 2, state="intake")
        unknown = make_id_number(birth=date(1951, 5, 5), serial=9)
        rows = [
            wish(good),
            wish(at_intake),
            wish(unknown),
            wish(good, title="一床棉被", category="棉被"),
            wish(good, title="一双棉鞋", deadline=date(2020, 1, 1)),
            wish(good),
        ]
        response = await upload(client, settings, station, rows)
        assert response.status_code == 422, response.text
        assert [(e["row"], e["column"]) for e in response.json()["errors"]] == [
            (3, "身份证号码"),
            (4, "身份证号码"),
            (5, "物品类别"),
            (6, "截止日期"),
            (7, "心愿"),
        ]
        assert await session.scalar(select(func.count()).select_from(Need)) == 0

    async def test_a_good_sheet_publishes_from_the_active_case_into_the_project(
        self, client: httpx.AsyncClient, settings: Settings, tree: dict[str, Platform], session: AsyncSession
    ) -> None:
        station = tree["station"]
        project = await make_project(session, platform=station)
        numbers = [await person(session, station, serial) for serial in range(1, 6)]
        response = await upload(client, settings, station, [wish(n) for n in numbers], project)
        assert response.status_code == 201, response.text
        assert response.json()["imported"] == 5
        needs = (await session.scalars(select(Need))).all()
        assert {(n.kind, n.state, n.item_category, n.project_id) for n in needs} == {
            ("micro_wish", "open", "small_appliance", project.id)
        }


class TestWishExport:
    async def test_the_workbook_masks_exactly_as_the_api_does(
        self, client: httpx.AsyncClient, settings: Settings, tree: dict[str, Platform], session: AsyncSession
    ) -> None:
        station = tree["station"]
        project = await make_project(session, platform=station)
        recipient = await make_recipient(session, platform=station, name="王秀英")
        case = await make_case(session, recipient=recipient, state="intervention", project_id=project.id)
        await make_need(session, case=case, project_id=project.id, estimated_value="80.00")
        admin = bearer(settings, "civil_affairs_admin", region="15")
        for headers, masked in ((admin, True), (staff(settings, station), False)):
            response = await client.get(
                "/v1/exports/wishes.xlsx", params={"project_id": str(project.id)}, headers=headers
            )
            assert response.status_code == 200, response.text
            api = (await client.get(f"/v1/recipients:batch?ids={recipient.id}", headers=headers)).json()["items"][0]
            workbook = load_workbook(io.BytesIO(response.content))
            assert workbook.sheetnames == ["心愿清单", "汇总", "说明"]
            sheet = workbook["心愿清单"]
            header = [c.value for c in sheet[1]]
            (row,) = list(sheet.iter_rows(min_row=2, values_only=True))
            assert row[header.index("服务对象")] == api["name"] == ("王**" if masked else "王秀英")
            assert row[header.index("身份证号码")] == api["id_number"]
            assert row[header.index("联系电话")] == api["phone"]
            assert row[header.index("心愿")] == "一台收音机"

    async def test_outsiders_cannot_export(
        self, client: httpx.AsyncClient, settings: Settings, tree: dict[str, Platform], session: AsyncSession
    ) -> None:
        project = await make_project(session, platform=tree["station"])
        headers = bearer(settings, "org_staff", org_id="6f1c1c2e-8d4b-4a43-9d59-0c1f3e0b7a11")
        response = await client.get("/v1/exports/wishes.xlsx", params={"project_id": str(project.id)}, headers=headers)
        assert response.status_code == 404
