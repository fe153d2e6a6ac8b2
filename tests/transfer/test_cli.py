"""`wushe import` and `wushe export` against real servers loaded with a small demo."""

import asyncio
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from services.common.migrations import upgrade_all
from services.common.settings import Settings
from tests.case.imports.sheets import RECIPIENT_HEADERS, recipient_rows, xlsx
from tests.support.auth import bearer
from tests.support.database import create_database, drop_database
from tests.support.stack import started_stack
from wushe_cli.demo import seed_demo
from wushe_cli.main import app
from wushe_cli.stack import Stack

pytestmark = pytest.mark.e2e
runner = CliRunner()


@dataclass
class World:
    stack: Stack
    settings: Settings
    station_id: str
    project_id: str

    def urls(self) -> list[str]:
        return ["--case-url", self.stack.url("case")]


@pytest.fixture(scope="module")
async def world(server_url: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    url = await create_database(server_url, "wushe_transfer")
    await asyncio.to_thread(upgrade_all, url)
    settings = Settings(environment="test")
    try:
        with started_stack(url, tmp_path_factory.mktemp("transfer-logs"), {"WUSHE_ENVIRONMENT": "test"}) as stack:
            urls = {name: stack.url(name) for name in ("case", "resources", "volunteers")}
            await seed_demo(urls, settings, show_progress=False, recipients=60)
            admin = bearer(settings, "civil_affairs_admin", region="15")
            async with httpx.AsyncClient(base_url=stack.url("case"), timeout=30) as client:
                stations = (
                    await client.get("/v1/platforms", params={"region": "150781001", "level": "station"}, headers=admin)
                ).json()["items"]
                projects = (
                    await client.get("/v1/projects", params={"is_brand": "true", "limit": 100}, headers=admin)
                ).json()["items"]
            project = next(p for p in projects if p["name"] == "爱伴童行·圆梦边城")
            yield World(stack, settings, stations[0]["id"], project["id"])
    finally:
        await drop_database(server_url, url)


def test_import_recipients_reports_bad_rows_then_imports_the_good_sheet(world: World, tmp_path: Path) -> None:
    rows = recipient_rows(40, region="150781001")
    rows[5][7] = "流浪人员"
    bad = tmp_path / "东山街道服务对象.xlsx"
    bad.write_bytes(xlsx(RECIPIENT_HEADERS, rows))
    result = runner.invoke(app, ["import", "recipients", str(bad), "--platform", world.station_id, *world.urls()])
    assert result.exit_code == 1, result.output
    report = tmp_path / "东山街道服务对象-错误报告.xlsx"
    sheet = load_workbook(report).active
    assert sheet is not None
    assert [c.value for c in sheet[2]][:2] == [7, "类别"]
    assert sheet.max_row == 2

    rows[5][7] = "老年人、空巢"
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx(RECIPIENT_HEADERS, rows))
    result = runner.invoke(app, ["import", "recipients", str(good), "--platform", world.station_id, *world.urls()])
    assert result.exit_code == 0, result.output
    assert "Imported 40 recipients" in result.output


def test_export_stats_writes_the_linkage_sheets(world: World, tmp_path: Path) -> None:
    out = tmp_path / "stats.xlsx"
    result = runner.invoke(
        app,
        [
            "export",
            "stats",
            str(out),
            "--region",
            "15",
            "--from",
            "2024-01-01",
            "--to",
            "2030-12-31",
            *world.urls(),
            "--volunteers-url",
            world.stack.url("volunteers"),
            "--resources-url",
            world.stack.url("resources"),
        ],
    )
    assert result.exit_code == 0, result.output
    workbook = load_workbook(out)
    assert workbook.sheetnames == ["社工服务", "需求与心愿", "志愿服务", "合计", "各平台", "慈善资源", "说明"]
    case = {row[2]: row[1] for row in workbook["社工服务"].iter_rows(min_row=2, values_only=True)}
    assert case["platforms.station"] == 12 and case["brand_projects"] == 6 and case["cases_opened"] > 0
    volunteers = {row[2]: row[1] for row in workbook["志愿服务"].iter_rows(min_row=2, values_only=True)}
    assert volunteers["activities_held"] == 12


def test_export_wishes_masks_for_civil_affairs_and_not_for_the_station(world: World, tmp_path: Path) -> None:
    masked, plain = tmp_path / "admin.xlsx", tmp_path / "station.xlsx"
    result = runner.invoke(app, ["export", "wishes", str(masked), "--project", world.project_id, *world.urls()])
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        app,
        [
            "export",
            "wishes",
            str(plain),
            "--project",
            world.project_id,
            "--role",
            "station_staff",
            "--platform",
            world.station_id,
            "--region",
            "150781001",
            *world.urls(),
        ],
    )
    assert result.exit_code == 0, result.output
    for path, is_masked in ((masked, True), (plain, False)):
        workbook = load_workbook(io.BytesIO(path.read_bytes()))
        assert workbook.sheetnames == ["心愿清单", "汇总", "说明"]
        sheet = workbook["心愿清单"]
        header = [c.value for c in sheet[1]]
        rows = list(sheet.iter_rows(min_row=2, values_only=True))
        assert rows
        names = [r[header.index("服务对象")] for r in rows]
        ids = [r[header.index("身份证号码")] for r in rows]
        assert all(("*" in n) == is_masked for n in names)
        assert all(("*" in i) == is_masked for i in ids)
