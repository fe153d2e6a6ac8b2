"""HTTP routes for importing station sheets and exporting wish lists."""

import asyncio
import hashlib
import uuid
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from services.case.imports import exports, service
from services.case.imports.schemas import ImportRejected, ImportResult, RowError
from services.case.imports.sheets import CSV, XLSX, Sheet, read_sheet, write_csv, write_xlsx
from services.case.models import IdempotencyRecord
from services.common.auth import CurrentPrincipal, Principal
from services.common.database import DbSession
from services.common.errors import DomainError
from services.common.idempotency import IdempotencyKey, run_idempotent
from services.common.personal_data import Vault

router = APIRouter(prefix="/v1", tags=["imports and exports"])

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
SHEET_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "The sheet itself (first worksheet of an .xlsx, or CSV in UTF-8 or GB18030).",
        "content": {
            XLSX: {"schema": {"type": "string", "format": "binary"}},
            CSV: {"schema": {"type": "string", "format": "binary"}},
        },
    }
}
REJECTED: dict[int | str, dict[str, Any]] = {
    422: {"description": "Bad rows: nothing imported; `errors` (or the report file) names each row and column"}
}
ErrorReport = Annotated[
    Literal["json", "csv", "xlsx"],
    Query(description="How a rejection is reported: problem+json (default) or a downloadable CSV/.xlsx report"),
]


class UploadTooLarge(DomainError):
    status, code, title = 413, "PAYLOAD_TOO_LARGE", "Payload too large"


async def _upload(
    request: Request, session: AsyncSession, principal: Principal, platform_id: uuid.UUID
) -> tuple[Sheet, str]:
    """The parsed sheet and its digest — once the caller may import here, read at most
    MAX_UPLOAD_BYTES, and parsed off the event loop (a big sheet must not stall other requests)."""
    await service.authorize_import(session, principal, platform_id)
    too_large = UploadTooLarge(f"At most {MAX_UPLOAD_BYTES // 1024 // 1024} MB per sheet.", "表格文件不能超过 10 MB。")
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > MAX_UPLOAD_BYTES:
        raise too_large
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_UPLOAD_BYTES:
            raise too_large
        chunks.append(chunk)
    content = b"".join(chunks)
    sheet = await asyncio.to_thread(read_sheet, content, request.headers.get("content-type", ""))
    return sheet, hashlib.sha256(content).hexdigest()


def report_file(errors: list[RowError], kind: Literal["csv", "xlsx"], name: str) -> Response:
    rows = [e.as_report_row() for e in errors]
    if kind == "csv":
        content, media, suffix = write_csv(RowError.REPORT_HEADERS, rows), "text/csv; charset=utf-8", "csv"
    else:
        content, media, suffix = write_xlsx([("错误报告", RowError.REPORT_HEADERS, rows)]), XLSX, "xlsx"
    filename = quote(f"{name}-错误报告.{suffix}")
    return Response(
        content,
        status_code=422,
        media_type=media,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{filename}"},
    )


async def _imported(session: AsyncSession, report: Literal["json", "csv", "xlsx"], name: str, run: Any) -> Response:
    """Run the import; a rejection becomes problem+json (raised) or a report file (nothing written)."""
    try:
        response: Response = await run()
        return response
    except ImportRejected as rejected:
        if report == "json":
            raise
        await session.rollback()
        return report_file(rejected.errors, report, name)


@router.post(
    "/imports/recipients", status_code=201, response_model=ImportResult, openapi_extra=SHEET_BODY, responses=REJECTED
)
async def import_recipients(
    request: Request,
    platform_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: DbSession,
    vault: Vault,
    error_report: ErrorReport = "json",
    key: IdempotencyKey = None,
) -> Response:
    """Import a recipient sheet (姓名, 性别, 出生日期, 身份证号码 …) into a platform you may write.

    Every row passes the same checks as `POST /v1/recipients`; a duplicate ID number in the file
    or already recorded is an error. All rows are imported in one transaction, or none."""
    sheet, digest = await _upload(request, session, principal, platform_id)

    async def run() -> Response:
        async def action() -> ImportResult:
            return await service.import_recipients(session, principal, vault, platform_id, sheet)

        payload = {"platform_id": platform_id, "sha256": digest}
        return await run_idempotent(session, IdempotencyRecord, principal, key, "import_recipients", payload, action)

    return await _imported(session, error_report, "服务对象导入", run)


@router.post(
    "/imports/micro-wishes", status_code=201, response_model=ImportResult, openapi_extra=SHEET_BODY, responses=REJECTED
)
async def import_micro_wishes(
    request: Request,
    platform_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: DbSession,
    vault: Vault,
    project_id: uuid.UUID | None = None,
    error_report: ErrorReport = "json",
    key: IdempotencyKey = None,
) -> Response:
    """Import micro-wishes (身份证号码, 心愿, 物品类别, 数量, 估价(元), 截止日期) of recorded recipients.

    Each wish is published from the recipient's newest active case, as `POST /v1/needs` would.
    All rows are imported in one transaction, or none."""
    sheet, digest = await _upload(request, session, principal, platform_id)

    async def run() -> Response:
        async def action() -> ImportResult:
            return await service.import_micro_wishes(session, principal, vault, platform_id, project_id, sheet)

        payload = {"platform_id": platform_id, "project_id": project_id, "sha256": digest}
        return await run_idempotent(session, IdempotencyRecord, principal, key, "import_micro_wishes", payload, action)

    return await _imported(session, error_report, "微心愿导入", run)


@router.get(
    "/exports/wishes.xlsx",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}, "description": "The project's wish list"}},
)
async def export_wishes(
    project_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, vault: Vault
) -> Response:
    """A project's needs with their recipients as an .xlsx workbook, masked exactly as the API masks them."""
    content, name = await exports.wish_list(session, principal, vault, project_id)
    return Response(
        content, media_type=XLSX, headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"}
    )
