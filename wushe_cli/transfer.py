"""`wushe import` and `wushe export`: station sheets in, statistics and wish lists out.

Imports upload the sheet to the case service (`POST /v1/imports/...`), which checks every row
and writes all of them or none; a rejection is saved as an error report next to the sheet.
Exports read the same API responses any caller gets, so personal data is masked exactly as the
API masks it for the token used.
"""

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from services.case.imports.schemas import RowError
from services.case.imports.sheets import CSV, XLSX, read_sheet, write_csv, write_xlsx
from services.common.auth import issue_dev_token
from services.common.clock import beijing_midnight, beijing_text, clock, iso_utc
from services.common.settings import get_settings
from services.common.vocabulary import NeedKind, PlatformLevel, Role
from wushe_cli.ids import id_of

import_app = typer.Typer(help="Import station sheets (CSV or .xlsx): all rows or none.", no_args_is_help=True)
export_app = typer.Typer(help="Export linkage statistics and wish lists to .xlsx.", no_args_is_help=True)
console = Console(stderr=True)
CHUNK = 64 * 1024

TokenOption = Annotated[
    str | None, typer.Option(envvar="WUSHE_TOKEN", help="Bearer token (default: a development token).")
]
UrlOption = Annotated[str | None, typer.Option(help="Base URL of the service (default: from settings).")]
RegionOption = Annotated[str, typer.Option(help="Region-code prefix of the development token.")]


def _token(token: str | None, role: Role, **claims: Any) -> str:
    if token:
        return token
    settings = get_settings()
    if settings.environment == "production":
        console.print("In production pass --token (or WUSHE_TOKEN) from your identity provider.")
        raise typer.Exit(2)
    return issue_dev_token(settings, role=role, subject=f"wushe-cli-{role.value}", **claims)


def _media_type(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return XLSX
    if suffix == ".csv":
        return CSV
    console.print(f"[red]{path.name}: only .xlsx and .csv sheets can be imported.")
    raise typer.Exit(2)


def _report_path(sheet: Path, report: Path | None) -> Path:
    return report or sheet.with_name(f"{sheet.stem}-错误报告{'.xlsx' if sheet.suffix.lower() == '.xlsx' else '.csv'}")


def write_report(errors: list[RowError], path: Path) -> None:
    rows = [e.as_report_row() for e in errors]
    if path.suffix.lower() == ".xlsx":
        path.write_bytes(write_xlsx([("错误报告", RowError.REPORT_HEADERS, rows)]))
    else:
        path.write_bytes(write_csv(RowError.REPORT_HEADERS, rows))


def upload_sheet(url: str, path: Path, params: dict[str, str], token: str, what: str, report: Path | None) -> int:
    """Upload with a progress bar; returns how many rows were imported (exits 1 on a rejection)."""
    content, media = path.read_bytes(), _media_type(path)
    rows = len(read_sheet(content, media).rows)
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description:<32}"),
        BarColumn(),
        DownloadColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console) as progress:
        sending = progress.add_task(f"uploading {path.name}", total=len(content))
        checking = progress.add_task(f"checking and importing {rows} rows", total=None, start=False)

        def chunks() -> Iterator[bytes]:
            for start in range(0, len(content), CHUNK):
                yield content[start : start + CHUNK]
                progress.advance(sending, len(content[start : start + CHUNK]))
            progress.start_task(checking)

        response = httpx.post(
            url,
            params=params,
            content=chunks(),
            timeout=600,
            headers={"Authorization": f"Bearer {token}", "Content-Type": media, "Content-Length": str(len(content))},
        )
        progress.update(checking, total=1, completed=1)
    if response.status_code == 201:
        imported = int(response.json()["imported"])
        console.print(f"[green]Imported {imported} {what} from {path.name} (all {rows} rows).")
        return imported
    problem = response.json() if "json" in response.headers.get("content-type", "") else {"detail": response.text}
    if problem.get("code") == "IMPORT_REJECTED":
        errors = [RowError.model_validate(e) for e in problem["errors"]]
        destination = _report_path(path, report)
        write_report(errors, destination)
        console.print(f"[red]Nothing imported: {len(errors)} problem(s). Report: {destination}")
        for error in errors[:20]:
            console.print(f"  row {error.row} {error.column}: {error.message_zh}")
        if len(errors) > 20:
            console.print(f"  … and {len(errors) - 20} more in the report")
    else:
        console.print(f"[red]{response.status_code}: {problem.get('detail_zh') or ''} {problem.get('detail', '')}")
    raise typer.Exit(1)


def _case_url(case_url: str | None) -> str:
    return (case_url or get_settings().case_url).rstrip("/")


@import_app.command("recipients")
def import_recipients(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="The sheet (.xlsx or .csv).")],
    platform: Annotated[
        str,
        typer.Option(
            help="Id of the platform the recipients belong to (global id or UUID).",
            callback=id_of("Platform", "--platform"),
        ),
    ],
    region: RegionOption = "",
    report: Annotated[Path | None, typer.Option(help="Where to write the error report (.csv or .xlsx).")] = None,
    token: TokenOption = None,
    case_url: UrlOption = None,
) -> None:
    """Import recipients (columns 姓名, 性别, 出生日期, 身份证号码, 联系电话, 住址, 行政区划代码, 类别,
    同意人, 同意时间, 同意用途; optional 残疾等级, 健康状况)."""
    bearer = _token(token, Role.STATION_STAFF, platform_id=platform, region=region)
    upload_sheet(
        f"{_case_url(case_url)}/v1/imports/recipients", file, {"platform_id": platform}, bearer, "recipients", report
    )


@import_app.command("wishes")
def import_wishes(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="The sheet (.xlsx or .csv).")],
    platform: Annotated[
        str,
        typer.Option(
            help="Id of the platform the recipients belong to (global id or UUID).",
            callback=id_of("Platform", "--platform"),
        ),
    ],
    project: Annotated[
        str | None,
        typer.Option(help="Project the wishes belong to (global id or UUID).", callback=id_of("Project", "--project")),
    ] = None,
    region: RegionOption = "",
    report: Annotated[Path | None, typer.Option(help="Where to write the error report (.csv or .xlsx).")] = None,
    token: TokenOption = None,
    case_url: UrlOption = None,
) -> None:
    """Import micro-wishes: 身份证号码, 心愿, 物品类别, 数量, 估价(元), 截止日期 (and 说明)."""
    bearer = _token(token, Role.STATION_STAFF, platform_id=platform, region=region)
    params = {"platform_id": platform, **({"project_id": project} if project else {})}
    upload_sheet(f"{_case_url(case_url)}/v1/imports/micro-wishes", file, params, bearer, "micro-wishes", report)


def _get(url: str, token: str, params: dict[str, str] | None = None) -> httpx.Response:
    response = httpx.get(url, params=params, headers={"Authorization": f"Bearer {token}"}, timeout=120)
    if response.status_code != 200:
        console.print(f"[red]GET {url}: {response.status_code} {response.text[:300]}")
        raise typer.Exit(1)
    return response


STAT_LABELS = {
    "platforms.county_centre": PlatformLevel.COUNTY_CENTRE.label,
    "platforms.station": PlatformLevel.STATION.label,
    "platforms.community_room": PlatformLevel.COMMUNITY_ROOM.label,
    "social_workers": "社会工作者（人）",
    "certified_social_workers": "持证社工（人）",
    "projects": "服务项目",
    "brand_projects": "品牌项目",
    "service_records": "服务记录（次）",
    "beneficiaries": "受益人次（本服务）",
    "beneficiary_person_times": "受益人次（合计：服务记录 + 活动）",
    "cases_opened": "新接个案",
    "cases_closed": "结案个案",
    "activities_held": "开展活动（次）",
    "participant_person_times.volunteer": "志愿者参与人次",
    "participant_person_times.social_worker": "社工参与人次",
    "participant_person_times.donor": "爱心人士参与人次",
    "care_visits_done": "关爱探访（次）",
    "care_minutes": "关爱服务时长（分钟）",
    "care_needs_served": "关爱需求服务数（期内有完成探访）",
    "foundations": "社区发展基金会",
    "funds_raised": "本级募集资金（元）",
    "funds_disbursed": "本级支出资金（元）",
    "drawable_funds_raised": "可申请上级资金募集（元，不计入本级）",
    "drawable_funds_disbursed": "可申请上级资金支出（元，不计入本级）",
    "donations": "捐赠笔数",
    "offers_published": "发布资源",
    "pledges": "认领心愿",
}
SKIPPED = {"region", "start", "end", "period_from", "period_to", "needs", "by_platform"}
PLATFORM_HEADERS = [
    "平台",
    "层级",
    "行政区划",
    "social_workers",
    "certified_social_workers",
    "projects",
    "service_records",
    "beneficiary_person_times",
    "cases_opened",
    "cases_closed",
    "wishes_met",
    "wishes_met_value",
    "activities_held",
    "volunteer_person_times",
    "social_worker_person_times",
    "donor_person_times",
    "care_visits_done",
    "care_minutes",
    "care_needs_served",
    "pledges",
    "platform_id",
]


def platform_rows(
    case: dict[str, Any], volunteers: dict[str, Any], resources: dict[str, Any] | None
) -> list[list[Any]]:
    """Each platform of the region once (the case service's list), the volunteers figures of the same
    platform joined on: the rows of linkageStats.byPlatform, column for field."""
    joined = {v["platform_id"]: v for v in volunteers.get("by_platform", [])}
    pledges = {r["platform_id"]: r["pledges"] for r in resources["by_platform"]} if resources else None
    rows = []
    for c in case.get("by_platform", []):
        v = joined.get(c["platform_id"], {})
        times = v.get("participant_person_times", {})
        figures = {
            **{k: c[k] for k in ("social_workers", "certified_social_workers", "projects", "service_records")},
            "beneficiary_person_times": c["beneficiaries"] + v.get("beneficiaries", 0),
            **{k: c[k] for k in ("cases_opened", "cases_closed", "wishes_met")},
            "wishes_met_value": float(c["wishes_met_value"]),
            "activities_held": v.get("activities_held", 0),
            "volunteer_person_times": times.get("volunteer", 0),
            "social_worker_person_times": times.get("social_worker", 0),
            "donor_person_times": times.get("donor", 0),
            **{k: v.get(k, 0) for k in ("care_visits_done", "care_minutes", "care_needs_served")},
            "pledges": None if pledges is None else pledges.get(c["platform_id"], 0),
        }
        level = PlatformLevel(c["level"]).label
        rows.append([c["name"], level, c["region_code"], *figures.values(), c["platform_id"]])
    return rows


def month_period(period: str) -> tuple[date, date]:
    """``2026-11`` → its first and last day (a Beijing calendar month, as `_period` reads days)."""
    try:
        first = datetime.strptime(period, "%Y-%m").date()
    except ValueError:
        console.print(f"[red]--period takes a month as YYYY-MM, not {period!r}.")
        raise typer.Exit(2) from None
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def stat_rows(figures: dict[str, Any], prefix: str = "") -> list[list[Any]]:
    """(指标, 数值, 字段) rows of a stats response, nested objects flattened."""
    rows: list[list[Any]] = []
    for key, value in figures.items():
        name = f"{prefix}{key}"
        if key in SKIPPED and not prefix:
            continue
        if isinstance(value, dict):
            rows += stat_rows(value, f"{name}.")
        else:
            number = float(value) if isinstance(value, str) and value.replace(".", "", 1).isdigit() else value
            rows.append([STAT_LABELS.get(name, name), number, name])
    return rows


def _period(start: date, end: date) -> tuple[str, str]:
    """Dates as a station means them: from the start of `start` to the end of `end`, China time."""
    return (
        iso_utc(beijing_midnight(start)),
        iso_utc(beijing_midnight(end + timedelta(days=1))),
    )


def _resource_stats(url: str, token: str, params: dict[str, str]) -> dict[str, Any] | None:
    """The resources figures, or None: they are a bonus, case and volunteers are the report."""
    try:
        response = httpx.get(url, params=params, headers={"Authorization": f"Bearer {token}"}, timeout=60)
    except httpx.HTTPError:
        return None
    return response.json() if response.status_code == 200 else None


@export_app.command("stats")
def export_stats(
    out: Annotated[Path, typer.Argument(dir_okay=False, help="The .xlsx file to write.")],
    region: Annotated[str, typer.Option(help="Region-code prefix, e.g. 15 or 1507.")] = "15",
    start: Annotated[datetime, typer.Option("--from", formats=["%Y-%m-%d"], help="First day.")] = datetime(2024, 1, 1),
    end: Annotated[
        datetime | None, typer.Option("--to", formats=["%Y-%m-%d"], help="Last day (default today).")
    ] = None,
    period: Annotated[
        str | None, typer.Option(help="A calendar month in Beijing time, e.g. 2026-11 (instead of --from/--to).")
    ] = None,
    token: TokenOption = None,
    case_url: UrlOption = None,
    volunteers_url: UrlOption = None,
    resources_url: UrlOption = None,
) -> None:
    """Linkage statistics (case + volunteers services, and resources when it answers) to .xlsx."""
    settings = get_settings()
    bearer = _token(token, Role.CIVIL_AFFAIRS_ADMIN, region=region[:2] if len(region) >= 2 else region)
    first_day, last_day = month_period(period) if period else (start.date(), end.date() if end else clock.today())
    first, last = _period(first_day, last_day)
    params = {"region": region, "from": first, "to": last}
    case = _get(f"{_case_url(case_url)}/v1/stats", bearer, params).json()
    # Every level, none left out for being 0 (as linkageStats shows them).
    case["platforms"] = {level.value: case["platforms"].get(level.value, 0) for level in PlatformLevel}
    volunteers = _get(f"{(volunteers_url or settings.volunteers_url).rstrip('/')}/v1/stats", bearer, params).json()
    resources = _resource_stats(f"{(resources_url or settings.resources_url).rstrip('/')}/v1/stats", bearer, params)
    sheets: list[tuple[str, list[str], list[list[Any]]]] = [
        ("社工服务", ["指标", "数值", "字段"], stat_rows(case)),
        (
            "需求与心愿",
            ["类型", "发布", "实现", "实现价值（元）"],
            [
                [NeedKind(n["kind"]).label, n["published"], n["fulfilled"], float(n["fulfilled_value"])]
                for n in case["needs"]
            ],
        ),
        ("志愿服务", ["指标", "数值", "字段"], stat_rows(volunteers)),
        (
            "合计",
            ["指标", "数值", "字段"],
            [
                [
                    STAT_LABELS["beneficiary_person_times"],
                    case["beneficiaries"] + volunteers["beneficiaries"],
                    "beneficiary_person_times",
                ]
            ],
        ),
        ("各平台", PLATFORM_HEADERS, platform_rows(case, volunteers, resources)),
    ]
    if resources is not None:
        sheets.append(("慈善资源", ["指标", "数值", "字段"], stat_rows(resources)))
    about = [
        ["行政区划", region],
        ["统计期间", f"{first_day} 至 {last_day}（北京时间，含首尾两日）"],
        ["导出时间", f"{beijing_text(clock.now(), seconds=True)}（北京时间）"],
        ["来源", "case /v1/stats、volunteers /v1/stats"],
    ]
    sheets.append(("说明", ["项", "内容"], about))
    out.write_bytes(write_xlsx(sheets))
    console.print(f"[green]Wrote {out} ({', '.join(s[0] for s in sheets)}).")


@export_app.command("wishes")
def export_wishes(
    out: Annotated[Path, typer.Argument(dir_okay=False, help="The .xlsx file to write.")],
    project: Annotated[
        str, typer.Option(help="Project id (global id or UUID).", callback=id_of("Project", "--project"))
    ],
    role: Annotated[Role, typer.Option(help="Role of the development token.")] = Role.CIVIL_AFFAIRS_ADMIN,
    platform: Annotated[
        str | None,
        typer.Option(
            help="Platform id of the development token (global id or UUID).", callback=id_of("Platform", "--platform")
        ),
    ] = None,
    region: RegionOption = "15",
    token: TokenOption = None,
    case_url: UrlOption = None,
) -> None:
    """A project's wish list (GET /v1/exports/wishes.xlsx), masked as the API masks it for the token."""
    bearer = _token(token, role, platform_id=platform, region=region)
    response = _get(f"{_case_url(case_url)}/v1/exports/wishes.xlsx", bearer, {"project_id": project})
    out.write_bytes(response.content)
    console.print(f"[green]Wrote {out}.")
