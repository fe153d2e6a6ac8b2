"""Importing a station's recipient sheet: all rows or none, and a report naming every bad row."""

import io
import uuid

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.case.imports.sheets import CSV, XLSX
from services.case.models import AuditEntry, Platform, Recipient
from services.common.settings import Settings
from tests.case.factories import make_recipient, make_tree
from tests.case.imports.sheets import RECIPIENT_HEADERS, csv_bytes, recipient_rows, xlsx
from tests.support.auth import bearer


@pytest.fixture
async def station(session: AsyncSession) -> Platform:
    return (await make_tree(session))["station"]


def staff(settings: Settings, station: Platform) -> dict[str, str]:
    return bearer(settings, "station_staff", platform_id=station.id, region="150781", subject="station-worker")


async def recipients_at(session: AsyncSession, station: Platform) -> int:
    return int(await session.scalar(select(func.count()).where(Recipient.platform_id == station.id)) or 0)


async def upload(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    station: Platform,
    content: bytes,
    media: str = XLSX,
    **params: str,
) -> httpx.Response:
    return await client.post(
        "/v1/imports/recipients",
        params={"platform_id": str(station.id), **params},
        content=content,
        headers={**headers, "Content-Type": media},
        timeout=120,
    )


class TestTwoThousandRows:
    async def test_three_bad_rows_write_nothing_and_are_exactly_the_rows_reported(
        self, client: httpx.AsyncClient, settings: Settings, station: Platform, session: AsyncSession
    ) -> None:
        rows = recipient_rows(2000)
        already = await make_recipient(session, platform=station, id_number=str(rows[1499][3]))
        rows[16][3] = str(rows[16][3])[:17] + ("0" if str(rows[16][3])[17] != "0" else "1")  # wrong check digit
        rows[733][7] = "老年人、五保户"  # not a category of the vocabulary
        # rows[1499] repeats the ID number of `already`
        response = await upload(client, staff(settings, station), station, xlsx(RECIPIENT_HEADERS, rows))
        assert response.status_code == 422, response.text
        body = response.json()
        assert body["code"] == "IMPORT_REJECTED"
        assert [(e["row"], e["column"]) for e in body["errors"]] == [
            (18, "身份证号码"),
            (735, "类别"),
            (1501, "身份证号码"),
        ]
        assert "五保户" in body["errors"][1]["message_zh"]
        assert "*" in body["errors"][0]["value"]  # ID numbers are masked in the report
        assert await recipients_at(session, station) == 1  # only the one recorded before
        assert already.id is not None

    async def test_the_good_sheet_imports_every_row(
        self, client: httpx.AsyncClient, settings: Settings, station: Platform, session: AsyncSession
    ) -> None:
        response = await upload(
            client, staff(settings, station), station, xlsx(RECIPIENT_HEADERS, recipient_rows(2000))
        )
        assert response.status_code == 201, response.text
        assert response.json()["imported"] == 2000
        assert await recipients_at(session, station) == 2000
        created = await session.scalar(
            select(func.count()).where(AuditEntry.action == "create", AuditEntry.entity == "recipient")
        )
        assert created == 2000  # every row audited like a typed-in recipient
        row = await session.scalar(select(Recipient).where(Recipient.platform_id == station.id).limit(1))
        assert row is not None and row.categories[0] in ("elderly", "empty_nest", "living_alone")


class TestRules:
    async def test_a_duplicate_inside_the_file_names_the_first_row(
        self, client: httpx.AsyncClient, settings: Settings, station: Platform
    ) -> None:
        rows = recipient_rows(3)
        rows[2][3] = rows[0][3]
        rows[2][2] = rows[0][2]
        response = await upload(client, staff(settings, station), station, xlsx(RECIPIENT_HEADERS, rows))
        assert response.status_code == 422
        (error,) = response.json()["errors"]
        assert (error["row"], error["column"]) == (4, "身份证号码")
        assert "第 2 行" in error["message_zh"]

    async def test_birth_date_and_region_follow_the_api_rules(
        self, client: httpx.AsyncClient, settings: Settings, station: Platform
    ) -> None:
        rows = recipient_rows(3)
        rows[0][2] = "1939-01-01"  # not the date inside the ID number
        rows[1][6] = "150402001"  # another county than the station's
        rows[2][1] = "未知"
        response = await upload(client, staff(settings, station), station, xlsx(RECIPIENT_HEADERS, rows))
        assert [(e["row"], e["column"]) for e in response.json()["errors"]] == [
            (2, "出生日期"),
            (3, "行政区划代码"),
            (4, "性别"),
        ]

    async def test_a_missing_column_is_reported_on_the_header_row(
        self, client: httpx.AsyncClient, settings: Settings, station: Platform
    ) -> None:
        headers = [h for h in RECIPIENT_HEADERS if h != "同意人"]
        rows = [row[:10] + row[11:] for row in recipient_rows(2)]
        response = await upload(client, staff(settings, station), station, xlsx(headers, rows))
        assert [(e["row"], e["column"]) for e in response.json()["errors"]] == [(1, "同意人")]

    async def test_a_platform_the_caller_may_not_write_is_not_found(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        other = (await make_tree(session, county="150702"))["station"]
        mine = (await make_tree(session))["station"]
        response = await upload(client, staff(settings, mine), other, xlsx(RECIPIENT_HEADERS, recipient_rows(1)))
        assert response.status_code == 404

    async def test_other_file_types_are_refused(
        self, client: httpx.AsyncClient, settings: Settings, station: Platform
    ) -> None:
        response = await upload(client, staff(settings, station), station, b"%PDF-1.4", media="application/pdf")
        assert response.status_code == 400


class TestCsvAndReports:
    async def test_a_gbk_csv_as_excel_saves_it_imports(
        self, client: httpx.AsyncClient, settings: Settings, station: Platform, session: AsyncSession
    ) -> None:
        content = csv_bytes(RECIPIENT_HEADERS, recipient_rows(5), encoding="gb18030")
        response = await upload(client, staff(settings, station), station, content, media=CSV)
        assert response.status_code == 201, response.text
        assert await recipients_at(session, station) == 5

    async def test_the_error_report_downloads_as_csv_or_xlsx(
        self, client: httpx.AsyncClient, settings: Settings, station: Platform, session: AsyncSession
    ) -> None:
        rows = recipient_rows(4)
        rows[1][3] = "15078119400101001"  # 17 characters
        headers = staff(settings, station)
        as_csv = await upload(client, headers, station, xlsx(RECIPIENT_HEADERS, rows), error_report="csv")
        assert as_csv.status_code == 422
        assert "attachment" in as_csv.headers["content-disposition"]
        lines = as_csv.content.decode("utf-8-sig").splitlines()
        assert lines[0].startswith("行号,列,单元格内容,错误原因")
        assert lines[1].startswith("3,身份证号码,")
        as_xlsx = await upload(client, headers, station, xlsx(RECIPIENT_HEADERS, rows), error_report="xlsx")
        sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
        assert sheet is not None
        assert [c.value for c in sheet[2]][:2] == [3, "身份证号码"]
        assert await recipients_at(session, station) == 0

    async def test_a_retry_with_the_same_key_imports_once(
        self, client: httpx.AsyncClient, settings: Settings, station: Platform, session: AsyncSession
    ) -> None:
        content = xlsx(RECIPIENT_HEADERS, recipient_rows(3))
        headers = {**staff(settings, station), "Idempotency-Key": str(uuid.uuid4())}
        first = await upload(client, headers, station, content)
        second = await upload(client, headers, station, content)
        assert first.status_code == second.status_code == 201
        assert second.headers.get("Idempotent-Replayed") == "true"
        assert await recipients_at(session, station) == 3
