"""Station sheets through the gateway: import recipients or micro-wishes, export a project's wish list.

`POST /imports/recipients?platformId=<Platform id>` and `POST /imports/micro-wishes?platformId=…
[&projectId=<Project id>]` take the sheet itself as the body (.xlsx, or CSV in UTF-8 or GB18030,
up to 10 MB; an `Idempotency-Key` header makes a retry safe) and hand it to the case service under
the caller's token: it authorises, checks every row and imports all or nothing. The answer:
201 `{kind, platformId, imported, ids}` (global ids), or 422 `IMPORT_REJECTED` naming every bad row
and column — as problem+json, or with `errorReport=csv|xlsx` as the downloadable report.
`GET /exports/wishes.xlsx?projectId=<Project id>` is the project's wish list, masked as the API masks.

Plain HTTP routes rather than GraphQL uploads, as for proof photos (gateway/photos.py): `/graphql`
stays JSON-only behind its guard and small body limit; a sheet gets a cap of its own.
"""

from typing import Literal

import orjson
from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from gateway.clients.base import UpstreamError, UpstreamUnavailable
from gateway.clients.case import SheetAnswer
from gateway.ids import from_global_id, to_global_id
from gateway.photos import case_client, staff_caller, upstream_answer
from services.common.auth import bearer_token
from services.common.errors import PROBLEM_JSON, BadInput, Forbidden, Unauthenticated
from services.common.vocabulary import Role

IMPORT_PREFIX = "/imports/"
MAX_SHEET_BYTES = 10 * 1024 * 1024  # the case service's own cap
# Who may import a station's sheet (the case service decides which platforms).
IMPORTERS = frozenset({Role.CENTRE_STAFF, Role.STATION_STAFF, Role.COMMUNITY_WORKER})
# What the imported ids are, by sheet kind.
IMPORTED_TYPES = {"recipients": "Recipient", "micro-wishes": "Need"}

router = APIRouter(tags=["imports and exports"])
ErrorReport = Literal["json", "csv", "xlsx"]


def _local(global_id: str, type_name: str, parameter: str) -> str:
    try:
        given, local = from_global_id(global_id)
    except Exception:
        given, local = "", None
    if given != type_name or local is None:
        raise BadInput(f"{parameter} must be a {type_name} id.", f"{parameter} 须为 {type_name} 的编号。")
    return str(local)


def _passed_on(answer: SheetAnswer) -> Response:
    """A refusal or a file as the case service gave it (its problem+json, or the error report)."""
    return Response(answer.body, status_code=answer.status, media_type=answer.content_type, headers=answer.headers)


@router.post(
    IMPORT_PREFIX + "{kind}",
    status_code=201,
    responses={422: {"description": "Bad rows: nothing imported; `errors` (or the report file) names each"}},
)
async def import_sheet(
    kind: Literal["recipients", "micro-wishes"],
    request: Request,
    platform_id: str = Query(alias="platformId", description="The Platform's global id"),
    project_id: str | None = Query(None, alias="projectId", description="micro-wishes: the Project's global id"),
    error_report: ErrorReport = Query("json", alias="errorReport"),
) -> Response:
    """Import a station's recipients or micro-wishes sheet (the body is the .xlsx or .csv itself)."""
    await staff_caller(
        request,
        IMPORTERS,
        Forbidden("Only platform staff import station sheets.", "只有社工平台工作人员可以导入表格。"),
    )
    params = {"platform_id": _local(platform_id, "Platform", "platformId"), "error_report": error_report}
    if project_id is not None and kind == "micro-wishes":
        params["project_id"] = _local(project_id, "Project", "projectId")
    headers = {"idempotency-key": key} if (key := request.headers.get("idempotency-key")) else None
    body = await request.body()  # bounded by the sheet's own body limit (gateway/body_limit.py)
    try:
        answer = await case_client(request).import_sheet(
            kind, params, body, request.headers.get("content-type", ""), headers
        )
    except (UpstreamError, UpstreamUnavailable) as exc:
        return upstream_answer(exc)
    if answer.status != 201:
        return _passed_on(answer)
    result = orjson.loads(answer.body)
    type_name = IMPORTED_TYPES[kind]
    return JSONResponse(
        {
            "kind": result["kind"],
            "platformId": to_global_id("Platform", result["platform_id"]),
            "imported": result["imported"],
            "ids": [to_global_id(type_name, local) for local in result["ids"]],
        },
        status_code=201,
    )


@router.get(
    "/exports/wishes.xlsx",
    response_class=Response,
    responses={200: {"content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}},
)
async def export_wishes(
    request: Request, project_id: str = Query(alias="projectId", description="The Project's global id")
) -> Response:
    """A project's wish list as an .xlsx workbook, masked exactly as the API masks it for you."""
    if bearer_token(request) is None:
        raise Unauthenticated("Send a bearer token.", "请提供访问令牌。")
    project = _local(project_id, "Project", "projectId")
    try:
        answer = await case_client(request).export_wishes(project)
    except (UpstreamError, UpstreamUnavailable) as exc:
        return upstream_answer(exc)
    if answer.status != 200 and not answer.content_type.startswith(PROBLEM_JSON):
        return upstream_answer(UpstreamUnavailable("case", f"HTTP {answer.status}"))
    return _passed_on(answer)
