"""导入导出 in Chromium, through the gateway's sheet import: a recipients sheet with a bad row shows
that row and column in Chinese and imports nothing (the error report downloads as .xlsx); the
corrected sheet imports every row, a second submit of the same form imports nothing twice, a
micro-wishes sheet of one of them imports into a project, and an imported recipient is found in the
people search. The template, the list exports and the project's wish list download."""

import asyncio
import io
import random
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from playwright.async_api import Download, FilePayload, Page, expect

from tests.browser.conftest import Screenshots
from tests.browser.world import BrowserWorld
from tests.case.imports.sheets import RECIPIENT_HEADERS, WISH_HEADERS, id_number, recipient_rows, xlsx
from tests.support.graphql import gql

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

TAG = uuid.uuid4().hex[:5]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROJECT = """mutation($p: ID!, $name: String!) { createProject(input: {platformId: $p, name: $name}) {
  __typename ... on ProjectCreated { project { id } } } }"""
OPEN_CASE = """mutation($r: ID!) { openCase(input: {recipientId: $r, domain: ELDERLY}) {
  __typename ... on CaseOpened { case { id } } } }"""
ADVANCE = """mutation($id: ID!, $to: CaseState!) { advanceCase(caseId: $id, toState: $to, note: "入户评估") {
  __typename } }"""


def _rows() -> list[list[Any]]:
    """Three people of this run's own (names and ID numbers no other test uses)."""
    chance = random.Random(TAG)
    rows = recipient_rows(3, region="150781001")
    for index, row in enumerate(rows):
        birth = date(1931, 1, 1) + timedelta(days=chance.randrange(3000))
        row[0], row[2], row[3] = f"其其格{TAG}{'甲乙丙'[index]}", birth, id_number(birth, chance.randrange(300, 900))
    return rows


async def _read(download: Download) -> bytes:
    return await asyncio.to_thread(Path(await download.path()).read_bytes)


async def test_a_bad_row_imports_nothing_then_the_corrected_sheet_imports_every_row(
    station_page: Page, workbench_url: str, browser_world: BrowserWorld, shots: Screenshots
) -> None:
    page = station_page
    project = f"圆梦微心愿{TAG}"
    made = await asyncio.to_thread(
        gql, browser_world.stack, PROJECT, {"p": browser_world.station_gid, "name": project}, browser_world.station()
    )
    assert made["data"]["createProject"]["__typename"] == "ProjectCreated", made
    await page.get_by_role("link", name="导入导出").click()
    async with page.expect_download() as download_info:
        await page.locator("#h-recipients ~ form").get_by_role("link", name="下载模板").click()
    template = load_workbook(io.BytesIO(await _read(await download_info.value)))
    assert [c.value for c in template.worksheets[0][1]][:4] == ["姓名", "性别", "出生日期", "身份证号码"]

    await expect(page.locator("form[action='/imports/wishes']").get_by_label("所属项目")).to_be_visible()
    rows = _rows()
    rows[1][7] = "流浪人员"  # not a category: row 3 of the sheet (row 1 is the header)
    form = page.locator("form[action='/imports/recipients']")
    await form.get_by_label("选择表格文件").set_input_files(
        {"name": "服务对象.xlsx", "mimeType": XLSX, "buffer": xlsx(RECIPIENT_HEADERS, rows)}
    )
    await form.get_by_role("button", name="上传并导入").click()
    table = page.locator("table.row-errors")
    await expect(table).to_be_visible()
    errors = [
        [cell.strip() for cell in await tr.locator("td").all_inner_texts()]
        for tr in await table.locator("tbody tr").all()
    ]
    assert [(e[0], e[1], e[2]) for e in errors] == [("3", "类别", "流浪人员")], errors
    assert any("\u4e00" <= ch <= "\u9fff" for ch in errors[0][3]), errors  # the reason in Chinese
    await expect(page.locator("#check")).to_contain_text("未导入任何数据")
    await shots.take(page, "imports-errors")
    async with page.expect_download() as report_info:
        await page.get_by_role("link", name="下载错误报告").click()
    report = load_workbook(io.BytesIO(await _read(await report_info.value)))
    lines = list(report.worksheets[0].iter_rows(values_only=True))
    assert len(lines) == 2 and lines[1][:2] == (3, "类别"), lines

    # Corrected: every row imports (the same ID numbers: the refused sheet wrote nothing).
    rows[1][7] = "老年人、空巢"
    corrected: FilePayload = {"name": "服务对象.xlsx", "mimeType": XLSX, "buffer": xlsx(RECIPIENT_HEADERS, rows)}
    form = page.locator("form[action='/imports/recipients']")
    key = await form.locator("input[name='idempotency_key']").input_value()
    csrf = await form.locator("input[name='csrf_token']").input_value()
    await form.get_by_label("选择表格文件").set_input_files(corrected)
    await form.get_by_role("button", name="上传并导入").click()
    await expect(page.locator("#imported")).to_have_text("已导入 3 名服务对象。")
    imported = page.locator("#check ul.items a")
    await expect(imported).to_have_text([row[0] for row in rows])
    await shots.take(page, "imports-done")

    # The same form submitted again (its key made when it rendered) replays: nothing imported twice.
    again = await page.request.post(
        f"{workbench_url}/imports/recipients",
        multipart={"csrf_token": csrf, "idempotency_key": key, "file": corrected},
    )
    assert again.status == 200 and "已导入 3 名服务对象" in await again.text()

    # A wish of one of them (its case taken to intervention), in the project: the wishes sheet imports too.
    recipient = (await imported.nth(1).get_attribute("href") or "").rsplit("/", 1)[-1]
    opened = await asyncio.to_thread(gql, browser_world.stack, OPEN_CASE, {"r": recipient}, browser_world.station())
    case = opened["data"]["openCase"]["case"]["id"]
    for state in ("ASSESSMENT", "PLANNING", "INTERVENTION"):
        moved = await asyncio.to_thread(
            gql, browser_world.stack, ADVANCE, {"id": case, "to": state}, browser_world.station()
        )
        assert moved["data"]["advanceCase"]["__typename"] == "CaseAdvanced", moved
    wishes = page.locator("form[action='/imports/wishes']")
    await wishes.get_by_label("所属项目").select_option(label=project)
    wish = [rows[1][3], f"一台收音机{TAG}", "小家电", 1, "80", date.today() + timedelta(days=30), "社工入户了解"]
    await wishes.get_by_label("选择表格文件").set_input_files(
        {"name": "微心愿.xlsx", "mimeType": XLSX, "buffer": xlsx(WISH_HEADERS, [wish])}
    )
    await wishes.get_by_role("button", name="上传并导入").click()
    await expect(page.locator("#imported")).to_have_text("已导入 1 个微心愿。")
    await expect(page.locator("#check ul.items a")).to_have_text([f"一台收音机{TAG}"])

    await page.locator("#check ul.items").get_by_role("link").first.click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text(f"一台收音机{TAG}")
    await page.goto(f"{workbench_url}/people/recipients/{recipient}")
    await expect(page.get_by_role("heading", level=1)).to_have_text(rows[1][0])
    await page.get_by_role("link", name="服务对象 / 个案").click()
    await page.get_by_role("searchbox", name="姓名").fill(rows[1][0])
    results = page.locator("#results")
    await expect(results).to_contain_text("共 1 人")
    await expect(results.get_by_role("link", name=rows[1][0])).to_be_visible()

    # The lists export as .xlsx made from GraphQL.
    await page.get_by_role("link", name="导入导出").click()
    for link, sheet in (("需求清单", "需求清单"), ("志愿者服务时长", "志愿者时长")):
        async with page.expect_download() as export_info:
            await page.get_by_role("link", name=link).click()
        assert load_workbook(io.BytesIO(await _read(await export_info.value))).sheetnames == [sheet]
    # A project's wish list, as the gateway exports it.
    await page.get_by_label("项目", exact=True).select_option(label=project)
    async with page.expect_download() as wishes_info:
        await page.get_by_role("button", name="导出心愿清单").click()
    assert load_workbook(io.BytesIO(await _read(await wishes_info.value))).sheetnames, "a workbook"
    await page.set_viewport_size({"width": 360, "height": 740})
    assert await page.evaluate("document.documentElement.scrollWidth") <= 360
