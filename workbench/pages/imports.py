"""导入导出: upload a station's recipients or micro-wishes sheet through the gateway, its templates, list exports.

An upload goes to the gateway's `POST /imports/recipients|micro-wishes?platformId=<the user's
platform>[&projectId=]` with the user's bearer token and the Idempotency-Key made when the form
rendered (a double submit imports once). The case service checks every row and imports all or
nothing: a rejection is shown as a table by row and column (message_zh), and the same bytes are sent
once more with `errorReport=xlsx` so the page can offer the report file itself — embedded in the page,
as the sheet is kept only for the request and nothing personal is written to disk or the session.
A success shows how many were imported, with links to the imported recipients (or wishes).
The lists are exported as .xlsx made here from GraphQL."""

import base64
import re
from typing import Any
from urllib.parse import quote

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

import workbench.i18n.imports  # noqa: F401  (the area's strings)
from services.case.imports.columns import RECIPIENT_COLUMNS, WISH_COLUMNS, Column
from services.case.imports.sheets import CSV, XLSX, write_xlsx
from workbench.graphql import GatewayError
from workbench.i18n import language_of, translator
from workbench.rendering import beijing_filter, render
from workbench.session import User

router = APIRouter(prefix="/imports")

# The sheets' layouts are the case service's own column lists (one definition, read by the importer).
SHEETS: dict[str, tuple[str, tuple[Column, ...]]] = {
    "recipients": ("imports.recipients", RECIPIENT_COLUMNS),
    "wishes": ("imports.wishes", WISH_COLUMNS),
}
GATEWAY_KINDS = {"recipients": "recipients", "wishes": "micro-wishes"}
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
IMPORT_TIMEOUT_S = 120.0  # a 10 MB sheet is checked row by row behind the gateway
KEY = re.compile(r"^[A-Za-z0-9_-]{8,200}$")
SHOWN = 50  # imported records named with links; the rest are counted
PAGE = 100
MAX_PAGES = 10

PROJECTS = """query { projects(first: 100) { nodes { id name } } }"""
NEEDS = """query($platform: ID, $region: String, $after: String) {
  needs(first: 100, after: $after, filter: {platformId: $platform, region: $region}) {
    pageInfo { hasNextPage endCursor }
    edges { node { title kind state deadline createdAt quantity amount recipient { name } } } } }"""
VOLUNTEERS = """query($after: String) { volunteers(first: 100, after: $after) {
  pageInfo { hasNextPage endCursor }
  nodes { name regionCode verification skills hours { totalHours pendingMinutes starLevel } } } }"""


def _t(request: Request) -> Any:
    return translator(language_of(request))


async def _projects(request: Request, user: User) -> list[dict[str, Any]]:
    """Projects a micro-wishes sheet may belong to (none offered when the gateway refuses the list)."""
    if not user.platform_id:  # no upload form to offer them in
        return []
    try:
        data = await request.app.state.gateway.call(user.token, PROJECTS)
    except GatewayError:
        return []
    return list((data.get("projects") or {}).get("nodes") or [])


async def _page(
    request: Request, user: User, check: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    context = {"sheets": SHEETS, "check": check, "projects": await _projects(request, user)}
    return await render(request, "imports/index.html", context, status_code=status_code)


@router.get("", response_class=HTMLResponse)
async def imports_home(request: Request, user: User) -> HTMLResponse:
    """The upload forms, the templates and the exports."""
    return await _page(request, user)


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
    return _xlsx(content, f"{t(title)}-模板.xlsx")


def _media_of(upload: UploadFile) -> str | None:
    name = (upload.filename or "").lower()
    return XLSX if name.endswith(".xlsx") else CSV if name.endswith(".csv") else None


def _json(response: httpx.Response) -> dict[str, Any]:
    """A JSON object answer ({} for a file, a proxy's HTML page or anything else)."""
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _problem_text(response: httpx.Response, zh: bool) -> str:
    body = _json(response)
    keys = ("detail_zh", "title_zh", "detail", "title") if zh else ("detail", "title", "detail_zh")
    return str(next((body[k] for k in keys if body.get(k)), ""))


async def _send(
    request: Request, user: User, kind: str, content: bytes, media: str, params: dict[str, str], key: str | None
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {user.token}", "Content-Type": media}
    if key:
        headers["Idempotency-Key"] = key
    http: httpx.AsyncClient = request.app.state.gateway.http
    return await http.post(
        f"/imports/{GATEWAY_KINDS[kind]}", params=params, content=content, headers=headers, timeout=IMPORT_TIMEOUT_S
    )


async def _imported_names(request: Request, user: User, kind: str, ids: list[str]) -> list[dict[str, str]]:
    """The first imported records by name (one GraphQL request), each with its page."""
    shown = ids[:SHOWN]
    if not shown:
        return []
    selection = "... on Recipient { name }" if kind == "recipients" else "... on Need { title }"
    declared = ", ".join(f"$i{n}: ID!" for n in range(len(shown)))
    fields = " ".join(f"n{n}: node(id: $i{n}) {{ {selection} }}" for n in range(len(shown)))
    variables = {f"i{n}": gid for n, gid in enumerate(shown)}
    try:
        data = await request.app.state.gateway.call(user.token, f"query({declared}) {{ {fields} }}", variables)
    except GatewayError:
        data = {}
    prefix = "/people/recipients/" if kind == "recipients" else "/needs/"
    items = []
    for n, gid in enumerate(shown):
        node = data.get(f"n{n}") or {}
        items.append({"href": prefix + gid, "name": str(node.get("name") or node.get("title") or "")})
    return items


def _report_link(response: httpx.Response) -> str:
    """The gateway's .xlsx error report as a data: URL for the page's download link ("" when none came)."""
    if response.status_code != 422 or not response.headers.get("content-type", "").startswith(XLSX):
        return ""
    return f"data:{XLSX};base64," + base64.b64encode(response.content).decode("ascii")


def _blank_check(kind: str) -> dict[str, Any]:
    return {"kind": kind, "name": "", "errors": [], "refused": "", "report": "", "imported": None}


@router.post("/{kind}", response_class=HTMLResponse)
async def upload(request: Request, user: User, kind: str) -> HTMLResponse:
    """Import the sheet into the user's platform through the gateway: all rows, or none and every error."""
    if kind not in SHEETS:
        return HTMLResponse(status_code=404)
    t = _t(request)
    zh = language_of(request) == "zh"
    form = await request.form()
    file = form.get("file")
    project = str(form.get("project_id") or "") if kind == "wishes" else ""
    check = _blank_check(kind)

    async def refused(message: str, status_code: int = 422) -> HTMLResponse:
        check["refused"] = message
        return await _page(request, user, check, status_code)

    if not user.platform_id:
        return await refused(t("imports.no_platform"), 403)
    if not isinstance(file, UploadFile) or not file.filename:
        return await refused(t("imports.no_file"))
    check["name"] = file.filename
    media = _media_of(file)
    content = await file.read(MAX_UPLOAD_BYTES + 1)
    await file.close()
    if media is None or len(content) > MAX_UPLOAD_BYTES:
        return await refused(t("imports.bad_type") if media is None else t("imports.too_large"))
    key = str(form.get("idempotency_key") or "")
    params = {"platformId": user.platform_id, **({"projectId": project} if project else {})}
    try:
        answer = await _send(request, user, kind, content, media, params, key if KEY.match(key) else None)
        problem = _json(answer) if answer.status_code == 422 else {}
        if problem.get("code") == "IMPORT_REJECTED":
            # The same bytes once more for the report file; no key: this request is a question, not a retry.
            report = await _send(request, user, kind, content, media, {**params, "errorReport": "xlsx"}, None)
            if report.status_code == 201:  # the sheet passed this time (a duplicate removed meanwhile)
                answer = report
            else:
                check["report"] = _report_link(report)
    except (httpx.HTTPError, ValueError) as exc:
        return await refused(t("imports.unreachable", reason=type(exc).__name__), 502)
    finally:
        del content  # the sheet lives only as long as this request
    if answer.status_code == 201:
        result = _json(answer)
        check["imported"] = int(result.get("imported", 0))
        check["records"] = await _imported_names(request, user, kind, list(result.get("ids") or []))
        return await _page(request, user, check)
    if problem.get("code") == "IMPORT_REJECTED":
        check["errors"] = [
            {
                "row": e.get("row"),
                "column": e.get("column") or "",
                "value": e.get("value") if e.get("value") is not None else "",
                "reason": (e.get("message_zh") if zh else e.get("message")) or e.get("message") or "",
            }
            for e in problem.get("errors") or []
        ]
        check["error_count"] = int(problem.get("error_count") or len(check["errors"]))
        return await _page(request, user, check, 422)
    message = _problem_text(answer, zh) or t("imports.gateway_status", status=answer.status_code)
    return await refused(message, answer.status_code if 400 <= answer.status_code < 500 else 502)


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


@router.get("/exports/wishes.xlsx", response_model=None)
async def export_wishes(request: Request, user: User, project: str = "") -> Response:
    """A project's wish list: the gateway's GET /exports/wishes.xlsx (masked as the API masks), passed on."""
    if not project:
        return await _page(
            request, user, {**_blank_check("wishes"), "refused": _t(request)("imports.pick_project")}, 422
        )
    http: httpx.AsyncClient = request.app.state.gateway.http
    try:
        answer = await http.get(
            "/exports/wishes.xlsx", params={"projectId": project}, headers={"Authorization": f"Bearer {user.token}"}
        )
    except httpx.HTTPError as exc:
        message = _t(request)("imports.unreachable_export", reason=type(exc).__name__)
        return await _page(request, user, {**_blank_check("wishes"), "refused": message}, 502)
    if answer.status_code == 200 and answer.headers.get("content-type", "").startswith(XLSX):
        disposition = (
            answer.headers.get("content-disposition") or "attachment; filename*=UTF-8''%E5%BF%83%E6%84%BF.xlsx"
        )
        return Response(answer.content, media_type=XLSX, headers={"Content-Disposition": disposition})
    message = _problem_text(answer, language_of(request) == "zh") or _t(request)(
        "imports.gateway_status", status=answer.status_code
    )
    status = answer.status_code if 400 <= answer.status_code < 500 else 502
    return await _page(request, user, {**_blank_check("wishes"), "refused": message}, status)
