"""统计: the region's linkage statistics for a Beijing calendar month (linkageStats, one request),
bars per platform as server-rendered SVG, the per-platform table, and the same figures as .xlsx."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

import workbench.i18n.stats  # noqa: F401  (the area's strings)
from services.case.imports.sheets import XLSX, write_xlsx
from services.common.clock import beijing_midnight, beijing_text, clock, iso_utc
from workbench.graphql import GatewayError
from workbench.i18n import language_of, translator
from workbench.rendering import render
from workbench.session import User

router = APIRouter(prefix="/stats")

CASE_FIGURES = ["socialWorkers", "certifiedSocialWorkers", "projects", "brandProjects", "serviceRecords",
                "casesOpened", "casesClosed"]  # fmt: skip
VOLUNTEER_FIGURES = ["activitiesHeld", "volunteerPersonTimes", "socialWorkerPersonTimes", "donorPersonTimes",
                     "careVisitsDone", "careMinutes", "careNeedsServed"]  # fmt: skip
FUND_FIGURES = ["fundsRaised", "fundsDisbursed", "donations", "drawableFundsRaised", "drawableFundsDisbursed",
                "offersPublished", "pledges", "foundations"]  # fmt: skip
PLATFORM_FIGURES = ["socialWorkers", "certifiedSocialWorkers", "projects", "serviceRecords", "beneficiaryPersonTimes",
                    "casesOpened", "casesClosed", "wishesMet", "wishesMetValue", "activitiesHeld",
                    "volunteerPersonTimes", "socialWorkerPersonTimes", "donorPersonTimes", "careVisitsDone",
                    "careMinutes", "careNeedsServed", "pledges"]  # fmt: skip
CHARTED = ["beneficiaryPersonTimes", "serviceRecords", "activitiesHeld", "volunteerPersonTimes", "careVisitsDone",
           "wishesMet"]  # fmt: skip
NEED_HEADERS = ["stats.kind", "stats.published", "stats.fulfilled", "stats.fulfilled_value"]
REFUSED_CODES = {"REGION_OUT_OF_SCOPE", "BAD_USER_INPUT", "FORBIDDEN"}

STATS = f"""query($region: String!, $start: DateTime, $end: DateTime) {{
  linkageStats(regionCode: $region, start: $start, end: $end) {{ regionCode start end beneficiaryPersonTimes
    caseSide {{ platforms {{ countyCentres stations communityRooms }} {" ".join(CASE_FIGURES)}
      needs {{ kind published fulfilled fulfilledValue }} }}
    volunteerSide {{ {" ".join(VOLUNTEER_FIGURES)} }}
    fundSide {{ {" ".join(FUND_FIGURES)} }}
    byPlatform {{ name level regionCode {" ".join(PLATFORM_FIGURES)} }} }} }}"""


def snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


def number(value: Any) -> int | float | None:
    """GraphQL Int as it is; Decimal (a string) as a number for the sheet and the bars."""
    if value is None or isinstance(value, int | float):
        return value
    try:
        return float(Decimal(str(value)))
    except InvalidOperation:
        return None


def month_period(month: str) -> tuple[date, date]:
    """``2026-11`` -> its first day and the first day of the next month (a Beijing calendar month)."""
    first = datetime.strptime(month, "%Y-%m").date().replace(day=1)
    return first, (first + timedelta(days=32)).replace(day=1)


@dataclass
class Bar:
    label: str
    value: int | float
    share: float  # of the largest value, 0..1


@dataclass
class Chart:
    key: str
    bars: list[Bar]

    @property
    def height(self) -> int:
        return 36 * len(self.bars) + 8


def charts_of(platforms: list[dict[str, Any]]) -> list[Chart]:
    """One horizontal bar chart per charted figure, platforms largest first."""
    charts = []
    for key in CHARTED:
        values = [(p["name"], number(p.get(key)) or 0) for p in platforms]
        top = max((v for _, v in values), default=0) or 1
        bars = [Bar(name, value, value / top) for name, value in sorted(values, key=lambda nv: -nv[1])]
        charts.append(Chart(key, bars))
    return charts


class StatsRequest:
    """The region and month asked for (defaults: the user's region, this Beijing month), or what is wrong."""

    def __init__(self, region: str, month: str, default_region: str, t: Any) -> None:
        self.region = (region or default_region or "15").strip()
        self.month = month or clock.today().strftime("%Y-%m")
        self.errors: dict[str, str] = {}
        try:
            self.first, self.following = month_period(self.month)
        except ValueError:
            self.errors["month"] = t("stats.bad_month")
            self.first, self.following = month_period(clock.today().strftime("%Y-%m"))

    @property
    def variables(self) -> dict[str, str]:
        return {
            "region": self.region,
            "start": iso_utc(beijing_midnight(self.first)),
            "end": iso_utc(beijing_midnight(self.following)),
        }

    @property
    def last_day(self) -> date:
        return self.following - timedelta(days=1)


async def _figures(request: Request, user: User, asked: StatsRequest) -> dict[str, Any] | None:
    """linkageStats, or None with the refusal put next to the region field."""
    if asked.errors:
        return None
    try:
        data = await request.app.state.gateway.call(user.token, STATS, asked.variables)
    except GatewayError as error:
        if not REFUSED_CODES.intersection(error.codes):
            raise
        asked.errors["region"] = "；".join(error.messages)
        return None
    stats: dict[str, Any] = data["linkageStats"]
    return stats


@router.get("", response_class=HTMLResponse)
async def stats_home(request: Request, user: User, region: str = "", month: str = "") -> HTMLResponse:
    """The month's figures of the region, the bars per platform and the per-platform table."""
    asked = StatsRequest(region, month, user.region, translator(language_of(request)))
    stats = await _figures(request, user, asked)
    platforms = (stats or {}).get("byPlatform") or []
    context = {
        "asked": asked,
        "errors": asked.errors,
        "stats": stats,
        "platforms": platforms,
        "charts": charts_of(platforms),
        "case_figures": CASE_FIGURES,
        "volunteer_figures": VOLUNTEER_FIGURES,
        "fund_figures": FUND_FIGURES,
        "platform_figures": PLATFORM_FIGURES,
        "snake": snake,
        "export_url": f"/stats/export.xlsx?region={quote(asked.region)}&month={quote(asked.month)}",
    }
    return await render(request, "stats/index.html", context, status_code=422 if asked.errors else 200)


def workbook(stats: dict[str, Any], asked: StatsRequest, t: Any, labels: dict[str, str]) -> bytes:
    """The figures the page shows, as sheets: summary, needs by kind, per platform, about."""
    summary: list[list[Any]] = [[t("stats.beneficiary_person_times"), stats.get("beneficiaryPersonTimes")]]
    case, volunteer, fund = stats.get("caseSide"), stats.get("volunteerSide"), stats.get("fundSide")
    if case:
        counts = case["platforms"]
        summary += [[t(f"stats.{snake(k)}"), counts[k]] for k in ("countyCentres", "stations", "communityRooms")]
        summary += [[t(f"stats.{snake(k)}"), case[k]] for k in CASE_FIGURES]
    for side, keys in ((volunteer, VOLUNTEER_FIGURES), (fund, FUND_FIGURES)):
        if side:
            summary += [[t(f"stats.{snake(k)}"), number(side[k])] for k in keys]
    needs = [
        [labels.get(n["kind"], n["kind"]), n["published"], n["fulfilled"], number(n["fulfilledValue"])]
        for n in (case or {}).get("needs", [])
    ]
    platform_headers = [t("stats.platform"), t("stats.level"), t("stats.region")] + [
        t(f"stats.{snake(k)}") for k in PLATFORM_FIGURES
    ]
    platform_rows = [
        [p["name"], labels.get(p["level"], p["level"]), p["regionCode"], *(number(p.get(k)) for k in PLATFORM_FIGURES)]
        for p in stats.get("byPlatform") or []
    ]
    missing = [t(key) for side, key in ((case, "stats.case_side"), (volunteer, "stats.volunteer_side"),
                                        (fund, "stats.fund_side")) if side is None]  # fmt: skip
    about = [
        [t("stats.region"), stats["regionCode"]],
        [t("stats.month"), f"{asked.first} 至 {asked.last_day}（北京时间，含首尾两日）"],
        ["导出时间", f"{beijing_text(clock.now(), seconds=True)}（北京时间）"],
        ["来源", "网关 GraphQL linkageStats（与工作台页面所示相同）"],
        *([["暂不可用", "、".join(missing)]] if missing else []),
    ]
    return write_xlsx(
        [
            (t("stats.sheet_summary"), [t("stats.figure"), t("stats.value")], summary),
            (t("stats.needs"), [t(k) for k in NEED_HEADERS], needs),
            (t("stats.by_platform"), platform_headers, platform_rows),
            (t("stats.sheet_about"), ["项", "内容"], about),
        ]
    )


@router.get("/export.xlsx", response_model=None)
async def stats_export(request: Request, user: User, region: str = "", month: str = "") -> Response:
    """The page's figures as an .xlsx workbook, made here from the same linkageStats answer."""
    t = translator(language_of(request))
    asked = StatsRequest(region, month, user.region, t)
    stats = await _figures(request, user, asked)
    if stats is None:
        return await stats_home(request, user, region, month)
    await request.app.state.vocabulary.ensure_loaded(request.app)
    content = workbook(stats, asked, t, request.app.state.labels)
    name = quote(f"联动统计-{asked.region}-{asked.month}.xlsx")
    return Response(content, media_type=XLSX, headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"})
