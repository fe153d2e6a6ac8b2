"""A sheet cell the database cannot store (NUL, other control characters) is that row's error, never a 500."""

import io
from datetime import timedelta

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.case.imports.sheets import CSV, XLSX
from services.case.models import AuditEntry, Need, Platform, Recipient
from services.common.clock import clock
from services.common.settings import Settings
from tests.case.factories import make_case, make_id_number, make_need, make_project, make_recipient, make_tree
from tests.case.imports.sheets import RECIPIENT_HEADERS, WISH_HEADERS, csv_bytes, recipient_rows
from tests.support.auth import bearer


@pytest.fixture
async def station(session: AsyncSession) -> Platform:
    return (await make_tree(session))["station"]


def staff(settings: Settings, station: Platform) -> dict[str, str]:
    return bearer(settings, "station_staff", platform_id=station.id, region="150781", subject="station-worker")


async def written(session: AsyncSession) -> tuple[int, ...]:
    models = (Recipient, Need, AuditEntry)
    return tuple([int(await session.scalar(select(func.count()).select_from(m)) or 0) for m in models])


def bad_recipient_rows() -> list[list[object]]:
    rows = recipient_rows(4)
    rows[0][0] = "王\x00秀英"  # 姓名
    rows[1][5] = "幸福小区\x1b3号楼"  # 住址
    rows[2][12] = "建档\x7f服务"  # 同意用途
    rows[3][9] = "高血压\n糖尿病"  # 健康状况: several lines are fine
    return rows


class TestRecipientSheet:
    async def test_bad_cells_are_row_errors_and_nothing_is_written(
        self, client: httpx.AsyncClient, settings: Settings, station: Platform, session: AsyncSession
    ) -> None:
        before = await written(session)
        response = await client.post(
            "/v1/imports/recipients",
            params={"platform_id": str(station.id)},
            content=csv_bytes(RECIPIENT_HEADERS, bad_recipient_rows()),
            headers={**staff(settings, station), "Content-Type": CSV},
        )
        assert response.status_code == 422, response.text
        body = response.json()
        assert body["code"] == "IMPORT_REJECTED"
        assert [(e["row"], e["column"]) for e in body["errors"]] == [(2, "姓名"), (3, "住址"), (4, "同意用途")]
        assert body["errors"][0]["message_zh"] == "文本不能包含空字符"
        assert "U+001B" in body["errors"][1]["message"] and "控制字符" in body["errors"][1]["message_zh"]
        assert "\x00" not in body["errors"][0]["value"] and "\x1b" not in body["errors"][1]["value"]
        assert await written(session) == before

    @pytest.mark.parametrize("report", ["xlsx", "csv"])
    async def test_the_report_file_opens_and_nothing_is_written(
        self, client: httpx.AsyncClient, settings: Settings, station: Platform, session: AsyncSession, report: str
    ) -> None:
        before = await written(session)
        response = await client.post(
            "/v1/imports/recipients",
            params={"platform_id": str(station.id), "error_report": report},
            content=csv_bytes(RECIPIENT_HEADERS, bad_recipient_rows()),
            headers={**staff(settings, station), "Content-Type": CSV},
        )
        assert response.status_code == 422
        if report == "xlsx":
            sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
            assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [2, 3, 4]
            assert sheet.cell(2, 3).value == "王\ufffd秀英"
        else:
            assert "王\ufffd秀英" in response.content.decode("utf-8-sig")
        assert await written(session) == before


class TestWishSheet:
    async def test_bad_cells_are_row_errors_and_no_wish_is_published(
        self, client: httpx.AsyncClient, settings: Settings, station: Platform, session: AsyncSession
    ) -> None:
        number = make_id_number(serial=41)
        recipient = await make_recipient(session, platform=station, id_number=number)
        await make_case(session, recipient=recipient, state="intervention")
        deadline = (clock.today() + timedelta(days=30)).isoformat()
        rows = [
            [number, "一台\x00收音机", "小家电", 1, "80", deadline, ""],
            [number, "一床棉被", "被褥", 1, "80", deadline, "社工\x1b入户了解"],
        ]
        before = await written(session)
        response = await client.post(
            "/v1/imports/micro-wishes",
            params={"platform_id": str(station.id)},
            content=csv_bytes(WISH_HEADERS, rows),
            headers={**staff(settings, station), "Content-Type": CSV},
        )
        assert response.status_code == 422, response.text
        assert [(e["row"], e["column"]) for e in response.json()["errors"]] == [(2, "心愿"), (3, "说明")]
        assert await written(session) == before


class TestWishExport:
    async def test_a_title_with_a_control_character_still_exports(
        self, client: httpx.AsyncClient, settings: Settings, station: Platform, session: AsyncSession
    ) -> None:
        project = await make_project(session, platform=station)
        recipient = await make_recipient(session, platform=station)
        case = await make_case(session, recipient=recipient, state="intervention")
        await make_need(session, case=case, project_id=project.id, title="一台\x1b收音机")  # stored before the rule
        response = await client.get(
            "/v1/exports/wishes.xlsx", params={"project_id": str(project.id)}, headers=staff(settings, station)
        )
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == XLSX
        cells = [
            c
            for row in load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True)
            for c in row
        ]
        assert "一台\ufffd收音机" in cells
