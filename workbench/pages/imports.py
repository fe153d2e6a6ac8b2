"""导入导出: the upload screen for a station's recipients or wishes sheet, its templates, and list exports.

The gateway has no import operation (the case service's POST /v1/imports/... is reachable only
inside the stack, and the workbench talks to the gateway alone). So an uploaded sheet is read here
for its header row only, every missing column is shown by row and column, and the page says
plainly that nothing is imported. The lists are exported as .xlsx made here from GraphQL."""

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

import workbench.i18n.imports  # noqa: F401  (the area's strings)
from services.case.imports.columns import RECIPIENT_COLUMNS, WISH_COLUMNS, Column
from services.case.imports.sheets import CSV, XLSX, read_sheet, write_xlsx
from services.common.errors import DomainError
from workbench.i18n import language_of, translator
from workbench.rendering import beijing_filter, render
from workbench.session import User

router = APIRouter(prefix="/imports")

# The sheets' layouts are the case service's own column lists (one definition, read by the importer).
SHEETS: dict[str, tuple[str, tuple[Column, ...]]] = {
    "recipients": ("imports.recipients", RECIPIENT_COLUMNS),
    "wishes": ("imports.wishes", WISH_COLUMNS),
}
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
LAST_CHECK = "imports.last_check"
REPORT_HEADERS = ["行号", "列", "单元格内容", "错误原因"]  # the case service's report columns, in Chinese
PAGE = 100
MAX_PAGES = 10

NEEDS = """query($platform: ID, $region: String, $after: String) {
  needs(first: 100, after: $after, filter: {platformId: $platform, region: $region}) {
    pageInfo { hasNextPage endCursor }
    edges { node { title kind state deadline createdAt quantity amount recipient { name } } } } }"""
VOLUNTEERS = """query($after: String) { volunteers(first: 100, after: $after) {
  pageInfo { hasNextPage endCursor }
  nodes { name regionCode verification skills hours { totalHours pendingMinutes starLevel } } } }"""


def _t(request: Request) -> Any:
    return translator(language_of(request))


@router.get("", response_class=HTMLResponse)
async def imports_home(request: Request, user: User) -> HTMLResponse:
    """The upload forms (with the gap said plainly), the templates and the exports."""
    return await render(request, "imports/index.html", {"sheets": SHEETS, "check": None})


@router.get("/templates/{kind}.xlsx", response_model=None)
async def template(request: Request, user: User, kind: str) -> Response:
    """An empty sheet with the columns the importer reads, and a second sheet saying how to fill each in."""
    if kind not in SHEETS:
        return Response(status_code=404)
    t = _t(request)
    title, columns = SHEETS[kind]
    notes = [[c.header, t("imports.required") if c.required else "", c.note] for c in columns]
    content = write_xlsx(
        [(t(title), [c.header for c in columns], []), (t("imports.note"), [t("imports.header"), "", ""], notes)]
    )
    name = quote(f"{t(title)}-模板.xlsx")
    return Response(content, media_type=XLSX, headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"})


def _media_of(upload: UploadFile) -> str | None:
    name = (upload.filename or "").lower()
    return XLSX if name.endswith(".xlsx") else CSV if name.endswith(".csv") else None


@router.post("/{kind}", response_class=HTMLResponse)
async def upload(request: Request, user: User, kind: str) -> HTMLResponse:
    """Read the sheet's header row; every missing column is an error of row 1. Nothing is imported."""
    if kind not in SHEETS:
        return HTMLResponse(status_code=404)
    t = _t(request)
    file = (await request.form()).get("file")
    check: dict[str, Any] = {"kind": kind, "name": "", "rows": None, "errors": [], "refused": ""}
    if not isinstance(file, UploadFile) or not file.filename:
        check["refused"] = t("imports.no_file")
        return await render(request, "imports/index.html", {"sheets": SHEETS, "check": check}, status_code=422)
    check["name"] = file.filename
    media = _media_of(file)
    content = await file.read(MAX_UPLOAD_BYTES + 1)
    if media is None or len(content) > MAX_UPLOAD_BYTES:
        check["refused"] = t("imports.bad_type") if media is None else t("imports.too_large")
        return await render(request, "imports/index.html", {"sheets": SHEETS, "check": check}, status_code=422)
    try:
        sheet = read_sheet(content, media)
    except DomainError as error:
        check["refused"] = error.detail_zh if language_of(request) == "zh" else error.detail
        return await render(request, "imports/index.html", {"sheets": SHEETS, "check": check}, status_code=422)
    columns = SHEETS[kind][1]
    check["rows"] = len(sheet.rows)
    check["errors"] = [
        {"row": 1, "column": c.header, "value": "", "reason": t("imports.missing_column", column=c.header)}
        for c in columns
        if c.required and c.header not in sheet.headers
    ]
    # Kept for the report download (header problems only: a few short lines in the signed cookie).
    request.session[LAST_CHECK] = {"kind": kind, "name": check["name"], "errors": check["errors"]}
    # 501: the one thing asked (the import) is not implemented behind the gateway.
    return await render(request, "imports/index.html", {"sheets": SHEETS, "check": check}, status_code=501)


@router.get("/report.xlsx", response_model=None)
async def error_report(request: Request, user: User) -> Response:
    """The last checked sheet's errors as an .xlsx report (row, column, cell, reason)."""
    last = request.session.get(LAST_CHECK)
    if not last:
        return Response(status_code=404)
    rows = [[e["row"], e["column"], e["value"], e["reason"]] for e in last["errors"]]
    stem = str(last["name"]).rsplit(".", 1)[0] or "表格"
    return _xlsx(write_xlsx([("错误报告", REPORT_HEADERS, rows)]), f"{stem}-错误报告.xlsx")


async def _all_pages(request: Request, user: User, query: str, field: str, variables: dict[str, Any]) -> list[Any]:
    items: list[Any] = []
    after = None
    for _ in range(MAX_PAGES):
        data = (await request.app.state.gateway.call(user.token, query, {**variables, "after": after}))[field]
        items += [e["node"] for e in data["edges"]] if "edges" in data else data["nodes"]
        if not data["pageInfo"]["hasNextPage"]:
            break
        after = data["pageInfo"]["endCursor"]
    return items


def _xlsx(content: bytes, filename: str) -> Response:
    return Response(
        content, media_type=XLSX, headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"}
    )


@router.get("/exports/needs.xlsx", response_model=None)
async def export_needs(request: Request, user: User) -> Response:
    """My work's needs (a station's own, a centre's or the admin's region) as the gateway shows them, as .xlsx."""
    needs = await _all_pages(request, user, NEEDS, "needs", dict(user.scope))
    await request.app.state.vocabulary.ensure_loaded(request.app)
    labels: dict[str, str] = request.app.state.labels
    headers = ["标题", "类型", "状态", "服务对象", "数量", "金额（元）", "截止", "发布时间（北京时间）"]
    rows = [
        [n["title"], labels.get(n["kind"], n["kind"]), labels.get(n["state"], n["state"]),
         (n.get("recipient") or {}).get("name", ""), n.get("quantity"),
         float(n["amount"]) if n.get("amount") is not None else None,
         beijing_filter(n.get("deadline"), False), beijing_filter(n.get("createdAt"))]
        for n in needs
    ]  # fmt: skip
    return _xlsx(write_xlsx([("需求清单", headers, rows)]), f"需求清单-{user.platform_name or user.region}.xlsx")


@router.get("/exports/volunteers.xlsx", response_model=None)
async def export_volunteers(request: Request, user: User) -> Response:
    """The volunteers this user may see, with approved hours, hours waiting and star level, as .xlsx."""
    volunteers = await _all_pages(request, user, VOLUNTEERS, "volunteers", {})
    await request.app.state.vocabulary.ensure_loaded(request.app)
    labels: dict[str, str] = request.app.state.labels
    headers = ["姓名", "行政区划", "审核状态", "技能", "累计时长（小时）", "待审核（分钟）", "星级"]
    rows = [
        [v["name"], v["regionCode"], labels.get(v["verification"], v["verification"]),
         "、".join(labels.get(s, s) for s in v["skills"]), float(v["hours"]["totalHours"]),
         v["hours"]["pendingMinutes"], v["hours"]["starLevel"]]
        for v in volunteers
    ]  # fmt: skip
    return _xlsx(write_xlsx([("志愿者时长", headers, rows)]), f"志愿者时长-{user.platform_name or user.region}.xlsx")
