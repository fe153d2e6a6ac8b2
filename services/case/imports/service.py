"""Importing a station's sheet: every row checked, then all rows written or none.

Rows are checked by the API's own schemas (`RecipientCreate`, `NeedPublish`) and written by the
API's own service functions, each in a savepoint, so an imported row meets exactly the rules a
typed-in one does (ID check digit, region inside the platform's county, one record per person,
case stage, deadline …). Every problem of every row is collected; if there is any, the request's
transaction is rolled back and the caller gets the full list.
"""

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from services.case.imports import repository
from services.case.imports.columns import RECIPIENT_COLUMNS, WISH_COLUMNS, CellError, Column, convert, headers_missing
from services.case.imports.schemas import ImportRejected, ImportResult, RowError
from services.case.imports.sheets import Sheet
from services.case.needs import service as needs
from services.case.needs.schemas import NeedPublish
from services.case.platforms import service as platforms
from services.case.recipients import service as recipients
from services.case.recipients.schemas import RecipientCreate
from services.common.auth import Principal
from services.common.errors import BadInput, Conflict, DomainError
from services.common.fields import IdNumber, without_control
from services.common.personal_data import PersonalDataVault, mask_id_number, mask_phone

_ID_NUMBER: TypeAdapter[str] = TypeAdapter(IdNumber)


def _shown(column: Column | None, value: Any) -> str:
    """The cell as the report shows it: ID numbers and phones masked (reports get passed around)."""
    text = "" if value is None else without_control(str(value).strip())  # a report must open anywhere
    if column is not None and column.field == "id_number" and len(text) > 7:
        return mask_id_number(text)
    if column is not None and column.field == "phone" and len(text) >= 7:
        return mask_phone(text)
    return text


def _bilingual(message: str) -> tuple[str, str]:
    """Our validators say "english / 中文"; pydantic's own messages are English only."""
    message = message.removeprefix("Value error, ")
    english, _, chinese = message.partition(" / ")
    return english, chinese or f"格式不正确：{english}"


class RowReader:
    """Turns sheet rows into API payloads, collecting errors by row and Chinese column."""

    def __init__(self, columns: tuple[Column, ...], sheet: Sheet, whole_row_column: str = "") -> None:
        self.columns, self.sheet, self.errors = columns, sheet, list[RowError]()
        self.whole_row_column = whole_row_column  # where model-level errors point
        missing = headers_missing(columns, sheet.headers)
        if missing:
            errors = [
                RowError(row=1, column=h, message=f"Missing column {h}.", message_zh=f"缺少列：{h}") for h in missing
            ]
            raise ImportRejected(errors, len(sheet.rows))

    def error(self, row: int, column: Column | None, value: Any, message: str, message_zh: str) -> None:
        header = column.header if column else self.whole_row_column
        self.errors.append(
            RowError(row=row, column=header, value=_shown(column, value), message=message, message_zh=message_zh)
        )

    def payload(self, row: int, cells: dict[str, Any]) -> dict[str, Any] | None:
        payload: dict[str, Any] = {}
        ok = True
        for column in self.columns:
            try:
                value = convert(column, cells.get(column.header))
            except CellError as exc:
                self.error(row, column, cells.get(column.header), *_bilingual(str(exc)))
                ok = False
                continue
            if value is not None:
                head, _, tail = column.field.partition(".")
                if tail:
                    payload.setdefault(head, {})[tail] = value
                else:
                    payload[head] = value
        return payload if ok else None

    def validate(self, row: int, cells: dict[str, Any], model: type[BaseModel], payload: dict[str, Any]) -> Any:
        try:
            return model.model_validate(payload)
        except ValidationError as exc:
            for problem in exc.errors():
                field = ".".join(str(part) for part in problem["loc"])
                column = next((c for c in self.columns if c.field == field), None)
                self.error(row, column, cells.get(column.header) if column else None, *_bilingual(problem["msg"]))
            return None

    def service_error(self, row: int, cells: dict[str, Any], exc: DomainError, field: str | None) -> None:
        column = next((c for c in self.columns if c.field == field), None)
        self.error(row, column, cells.get(column.header) if column else None, exc.detail, exc.detail_zh)


async def _write_each(
    session: AsyncSession,
    reader: RowReader,
    rows: list[tuple[int, dict[str, Any], Any]],
    write: Callable[[Any], Awaitable[Any]],
    field_of: Callable[[DomainError], str | None],
) -> list[uuid.UUID]:
    """Write row by row, each in a savepoint, so one refused row does not hide the next one's problem."""
    ids = []
    for number, cells, data in rows:
        try:
            async with session.begin_nested():
                ids.append((await write(data)).id)
        except DomainError as exc:
            reader.service_error(number, cells, exc, field_of(exc))
    return ids


def _recipient_field(exc: DomainError) -> str | None:
    if isinstance(exc, Conflict):
        return "id_number"
    if isinstance(exc, BadInput) and "region" in exc.detail:
        return "region_code"
    return None


async def authorize_import(session: AsyncSession, principal: Principal, platform_id: uuid.UUID) -> None:
    """Who may import into the platform, settled before a byte of the sheet is read."""
    recipients.ensure_writer(principal)
    await platforms.writable(session, principal, platform_id)


async def import_recipients(
    session: AsyncSession, principal: Principal, vault: PersonalDataVault, platform_id: uuid.UUID, sheet: Sheet
) -> ImportResult:
    """All rows of a recipient sheet become recipients of `platform_id`, or none do."""
    recipients.ensure_writer(principal)
    await platforms.writable(session, principal, platform_id)
    reader = RowReader(RECIPIENT_COLUMNS, sheet, whole_row_column="出生日期")
    ready: list[tuple[int, dict[str, Any], RecipientCreate]] = []
    first_row: dict[str, int] = {}
    for number, cells in sheet.rows:
        payload = reader.payload(number, cells)
        data = payload and reader.validate(number, cells, RecipientCreate, {**payload, "platform_id": str(platform_id)})
        if not data:
            continue
        first = first_row.setdefault(data.id_number, number)
        if first != number:
            column = RECIPIENT_COLUMNS[3]
            reader.error(
                number, column, data.id_number, f"Same ID number as row {first}.", f"与第 {first} 行身份证号码重复。"
            )
            continue
        ready.append((number, cells, data))

    async def write(data: RecipientCreate) -> Any:
        return await recipients.create(session, principal, vault, data)

    ids = await _write_each(session, reader, ready, write, _recipient_field)
    if reader.errors:
        raise ImportRejected(sorted(reader.errors, key=lambda e: e.row), len(sheet.rows))
    return ImportResult(kind="recipients", platform_id=platform_id, imported=len(ids), ids=ids)


def _wish_field(exc: DomainError) -> str | None:
    if isinstance(exc, BadInput) and "deadline" in exc.detail:
        return "deadline"
    if isinstance(exc, Conflict):
        return "id_number"
    return None


async def import_micro_wishes(
    session: AsyncSession,
    principal: Principal,
    vault: PersonalDataVault,
    platform_id: uuid.UUID,
    project_id: uuid.UUID | None,
    sheet: Sheet,
) -> ImportResult:
    """Each row is a micro-wish of a recorded recipient, published from their active case."""
    needs.ensure_writer(principal)
    platform = await platforms.writable(session, principal, platform_id)
    reader = RowReader(WISH_COLUMNS, sheet)
    id_column = WISH_COLUMNS[0]
    parsed: list[tuple[int, dict[str, Any], dict[str, Any], str]] = []
    for number, cells in sheet.rows:
        payload = reader.payload(number, cells)
        if payload is None:
            continue
        try:
            id_number = _ID_NUMBER.validate_python(payload.pop("id_number"))
        except ValidationError as exc:
            reader.error(number, id_column, cells.get(id_column.header), *_bilingual(exc.errors()[0]["msg"]))
            continue
        parsed.append((number, cells, payload, id_number))

    hashes = {vault.keyed_hash(id_number) for *_, id_number in parsed}
    people = {
        r.id_number_hash: r for r in await repository.recipients_by_id_hash(session, principal, platform, list(hashes))
    }
    recipient_ids = [r.id for r in people.values()]
    cases: dict[uuid.UUID, Any] = {}
    for case in await repository.active_cases(session, principal, recipient_ids):
        cases.setdefault(case.recipient_id, case)  # the newest active case
    live = set(await repository.live_wishes(session, principal, recipient_ids))
    ready: list[tuple[int, dict[str, Any], NeedPublish]] = []
    first_row: dict[tuple[str, str], int] = {}
    for number, cells, payload, id_number in parsed:
        person = people.get(vault.keyed_hash(id_number))
        shown = cells.get(id_column.header)
        if person is None:
            reader.error(
                number,
                id_column,
                shown,
                "No recipient with this ID number at this platform.",
                "本平台未登记该身份证号码的服务对象，请先导入服务对象。",
            )
            continue
        if person.id not in cases:
            reader.error(
                number,
                id_column,
                shown,
                "The recipient has no case between intake and closing.",
                "该服务对象没有进行中的个案（须已接案且未结案）。",
            )
            continue
        title = str(payload.get("title", ""))
        first = first_row.setdefault((id_number, title), number)
        if first != number or (person.id, title) in live:
            where = f"row {first}" if first != number else "an open wish"
            reader.error(
                number,
                WISH_COLUMNS[1],
                title,
                f"The same wish for this person is already in {where}.",
                f"该服务对象的同一心愿已存在（{'第 ' + str(first) + ' 行' if first != number else '未实现的心愿'}）。",
            )
            continue
        body = {
            **payload,
            "case_id": str(cases[person.id].id),
            "kind": "micro_wish",
            "project_id": str(project_id) if project_id else None,
        }
        data = reader.validate(number, cells, NeedPublish, body)
        if data is not None:
            ready.append((number, cells, data))

    async def write(data: NeedPublish) -> Any:
        return await needs.publish(session, principal, data)

    ids = await _write_each(session, reader, ready, write, _wish_field)
    if reader.errors:
        raise ImportRejected(sorted(reader.errors, key=lambda e: e.row), len(sheet.rows))
    return ImportResult(kind="micro_wishes", platform_id=platform_id, imported=len(ids), ids=ids)
