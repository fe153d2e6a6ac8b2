"""统计 in Chromium: the station's month shows its figures (an activity held with its beneficiaries),
bars per platform as SVG, the per-platform table, and the .xlsx export carries the same figures."""

import asyncio
import io
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.async_api import Page, expect

from services.common.clock import beijing, clock, iso_utc
from tests.browser.conftest import Screenshots
from tests.browser.world import BrowserWorld
from tests.support.graphql import gql

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

TAG = uuid.uuid4().hex[:5]
CREATE = """mutation($input: CreateActivityInput!) { createActivity(input: $input) {
  ... on ActivityCreated { activity { id } } } }"""
COMPLETE = """mutation($a: ID!) { completeActivity(activityId: $a, beneficiaries: 12, donorParticipants: 2) {
  __typename } }"""


def _activity_held(world: BrowserWorld) -> str:
    """An activity of the station that ended an hour ago, completed with 12 beneficiaries: its Beijing month."""
    starts = clock.now() - timedelta(hours=3)
    activity = {"title": f"重阳节茶话会{TAG}", "organiserKind": "PLATFORM", "platformId": world.station_gid,
                "place": "东山社区活动室", "region": "150781001", "startsAt": iso_utc(starts),
                "endsAt": iso_utc(starts + timedelta(hours=2)), "capacity": 5}  # fmt: skip
    created = gql(world.stack, CREATE, {"input": activity}, world.station())["data"]["createActivity"]
    done = gql(world.stack, COMPLETE, {"a": created["activity"]["id"]}, world.station())["data"]["completeActivity"]
    assert done["__typename"] == "ActivityChanged", done
    return beijing(starts).strftime("%Y-%m")


async def test_the_statistics_page_shows_the_region_and_exports_xlsx(
    station_page: Page, workbench_url: str, browser_world: BrowserWorld, shots: Screenshots
) -> None:
    page, month = station_page, _activity_held(browser_world)
    await page.goto(f"{workbench_url}/stats?month={month}")
    await expect(page.get_by_label("行政区划代码")).to_have_value("150781001")
    row = page.locator("table.numbers tbody tr", has_text=browser_world.station_name)
    await expect(row).to_be_visible()
    chart = page.locator("figure.chart", has_text="开展活动（次）")
    await expect(chart.locator("svg text", has_text=browser_world.station_name)).to_have_count(1)
    await shots.take(page, "stats")
    await page.set_viewport_size({"width": 360, "height": 740})
    assert await page.evaluate("document.documentElement.scrollWidth") <= 360
    await shots.take(page, "stats-phone")
    await page.set_viewport_size({"width": 1366, "height": 768})

    async with page.expect_download() as download_info:
        await page.get_by_role("link", name="导出 Excel").click()
    download = await download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(await asyncio.to_thread(Path(await download.path()).read_bytes)))
    assert book.sheetnames == ["总览", "需求与心愿", "各平台数据", "说明"]
    platforms = list(book["各平台数据"].iter_rows(values_only=True))
    header, ours = platforms[0], next(r for r in platforms[1:] if r[0] == browser_world.station_name)
    figures = dict(zip(header, ours, strict=True))
    assert figures["开展活动（次）"] == 1 and figures["受益人次"] >= 12, figures
    shown = await row.locator("td").all_inner_texts()
    assert str(figures["开展活动（次）"]) in shown
