"""Reading the sheets stations keep (CSV or .xlsx) and writing tables back out (reports, exports).

A sheet is a header row of Chinese column names followed by data rows; rows are numbered as the
spreadsheet numbers them (the header is row 1), so an error report points at the line a person
sees. Cells keep the type the file gives them (openpyxl returns dates and numbers); turning
them into API values is the column layout's job.
"""

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook, load_workbook

from services.common.errors import BadInput
from services.common.fields import without_control

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 20_000


@dataclass
class Sheet:
    headers: list[str]
    rows: list[tuple[int, dict[str, Any]]]  # (row number as shown in the spreadsheet, header -> cell)


def media_type(content_type: str | None) -> str:
    """`text/csv; charset=utf-8` -> `text/csv`."""
    return (content_type or "").split(";")[0].strip().lower()


def read_sheet(content: bytes, content_type: str) -> Sheet:
    """Parse a CSV (UTF-8, with or without BOM, or GB18030 as Excel saves it) or the first sheet of an .xlsx."""
    kind = media_type(content_type)
    if kind == XLSX:
        table = _xlsx_rows(content)
    elif kind in (CSV, "application/csv", "text/plain"):
        table = _csv_rows(content)
    else:
        raise BadInput(
            f"Send the sheet as {CSV} or {XLSX}.", "请以 CSV 或 Excel（.xlsx）格式上传表格。", content_type=kind
        )
    if not table:
        raise BadInput("The sheet is empty.", "表格为空。")
    headers = [str(h).strip() if h is not None else "" for h in table[0]]
    rows: list[tuple[int, dict[str, Any]]] = []
    for number, values in enumerate(table[1:], start=2):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue  # blank lines people leave between blocks
        rows.append((number, {h: (values[i] if i < len(values) else None) for i, h in enumerate(headers) if h}))
    if len(rows) > MAX_ROWS:
        raise BadInput(f"At most {MAX_ROWS} rows per file.", f"每个文件最多 {MAX_ROWS} 行。")
    return Sheet(headers, rows)


def _csv_rows(content: bytes) -> list[list[Any]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise BadInput("The CSV file is neither UTF-8 nor GB18030.", "CSV 文件编码无法识别（应为 UTF-8 或 GBK）。")
    return [[cell if cell != "" else None for cell in row] for row in csv.reader(io.StringIO(text))]


def _xlsx_rows(content: bytes) -> list[list[Any]]:
    """The first worksheet's rows. The XML is parsed with defusedxml (openpyxl uses it when it is
    installed, and it is a dependency): entity expansion and external entities are refused."""
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            return [list(row) for row in sheet.iter_rows(values_only=True)]
        finally:
            workbook.close()
    except Exception as exc:  # openpyxl (and defusedxml) raise many kinds for a damaged or hostile file
        raise BadInput(
            f"Not a readable .xlsx file: {type(exc).__name__}", "无法读取该 Excel 文件（须为 .xlsx）。"
        ) from None


def write_xlsx(sheets: Sequence[tuple[str, Sequence[str], Sequence[Sequence[Any]]]]) -> bytes:
    """A workbook with one sheet per (title, headers, rows); headers bold, columns sized to fit."""
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, headers, rows in sheets:
        sheet = workbook.create_sheet(title)
        sheet.append(list(headers))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            # openpyxl refuses control characters; a value stored before they were refused must not
            # make the whole export fail.
            sheet.append([without_control(v) if isinstance(v, str) else v for v in row])
            for cell in sheet[sheet.max_row]:
                if _looks_like_formula(cell.value):  # kept as the text it is, never evaluated
                    cell.data_type, cell.quotePrefix = "s", True
        for index, header in enumerate(headers, start=1):
            width = max([_width(header), *(_width(r[index - 1]) for r in rows[:200])])
            sheet.column_dimensions[sheet.cell(1, index).column_letter].width = min(width + 2, 60)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_csv(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    """UTF-8 with a BOM, so Excel on a station's PC opens the Chinese text correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows([["'" + v if _looks_like_formula(v) else v for v in row] for row in rows])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _looks_like_formula(value: Any) -> bool:
    """Text a spreadsheet would run as a formula (OWASP "CSV injection"): =HYPERLINK(...), +cmd|...."""
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def _width(value: Any) -> int:
    text = "" if value is None else str(value)
    return sum(2 if ord(char) > 0x2E80 else 1 for char in text)
