"""导入导出 in Chromium: the gateway has no import operation, so the page says so; a sheet missing
columns shows each by row and column (nothing imported), and the template downloads as a valid .xlsx."""

import asyncio
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.async_api import Page, expect

from tests.browser.conftest import Screenshots

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

SHEET = "姓名,性别,身份证号码\n乌云,女,150781194203080011\n".encode()


async def test_a_sheet_with_errors_shows_them_by_row_and_column(
    station_page: Page, workbench_url: str, shots: Screenshots
) -> None:
    page = station_page
    await page.get_by_role("link", name="导入导出").click()
    await expect(page.locator("#imports-gap")).to_contain_text("网关尚未提供表格导入操作")

    async with page.expect_download() as download_info:
        await page.locator("#h-recipients ~ form").get_by_role("link", name="下载模板").click()
    template = load_workbook(
        io.BytesIO(await asyncio.to_thread(Path(await (await download_info.value).path()).read_bytes))
    )
    assert [c.value for c in template.worksheets[0][1]][:4] == ["姓名", "性别", "出生日期", "身份证号码"]

    form = page.locator("form[action='/imports/recipients']")
    await form.get_by_label("选择表格文件").set_input_files(
        {"name": "服务对象.csv", "mimeType": "text/csv", "buffer": SHEET}
    )
    await form.get_by_role("button", name="上传并检查").click()
    table = page.locator("table.row-errors")
    await expect(table).to_be_visible()
    rows = [
        [cell.strip() for cell in await tr.locator("td").all_inner_texts()]
        for tr in await table.locator("tbody tr").all()
    ]
    missing = {row[1] for row in rows}
    assert {"出生日期", "行政区划代码", "类别", "同意人", "同意时间", "同意用途"} <= missing, rows
    assert {row[0] for row in rows} == {"1"}
    await expect(page.locator("#check")).to_contain_text("未导入任何数据")
    await shots.take(page, "imports-errors")

    async with page.expect_download() as report_info:
        await page.get_by_role("link", name="下载错误报告").click()
    report = load_workbook(io.BytesIO(await asyncio.to_thread(Path(await (await report_info.value).path()).read_bytes)))
    lines = list(report.worksheets[0].iter_rows(values_only=True))
    assert lines[0] == ("行号", "列", "单元格内容", "错误原因") and len(lines) == len(rows) + 1, lines

    # The lists export as .xlsx made from GraphQL.
    for link, sheet in (("需求清单", "需求清单"), ("志愿者服务时长", "志愿者时长")):
        async with page.expect_download() as export_info:
            await page.get_by_role("link", name=link).click()
        exported = await asyncio.to_thread(Path(await (await export_info.value).path()).read_bytes)
        assert load_workbook(io.BytesIO(exported)).sheetnames == [sheet]
    await page.set_viewport_size({"width": 360, "height": 740})
    assert await page.evaluate("document.documentElement.scrollWidth") <= 360
