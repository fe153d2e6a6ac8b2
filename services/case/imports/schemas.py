"""Import results and the error report (one line per bad cell or row)."""

import uuid
from typing import Any, ClassVar

from pydantic import BaseModel, Field

from services.common.errors import DomainError


class RowError(BaseModel):
    """What is wrong with one row (and, when known, one column) of the uploaded sheet."""

    row: int = Field(description="Row number as the spreadsheet shows it (the header is row 1)")
    column: str = Field(description="The Chinese column header, empty when the whole row is at fault")
    value: str = Field(default="", description="What the cell held (ID numbers masked)")
    message: str = Field(description="English")
    message_zh: str

    REPORT_HEADERS: ClassVar[list[str]] = ["行号", "列", "单元格内容", "错误原因", "error"]

    def as_report_row(self) -> list[Any]:
        return [self.row, self.column, self.value, self.message_zh, self.message]


class ImportResult(BaseModel):
    kind: str = Field(examples=["recipients", "micro_wishes"])
    platform_id: uuid.UUID
    imported: int
    ids: list[uuid.UUID]


class ImportRejected(DomainError):
    """The sheet had bad rows: nothing was written. `errors` lists every one."""

    status, code, title = 422, "IMPORT_REJECTED", "Import rejected"

    def __init__(self, errors: list[RowError], rows: int) -> None:
        super().__init__(
            f"{len(errors)} problem(s) in {rows} row(s); nothing was imported. See `errors`.",
            f"表格中有 {len(errors)} 处错误（共 {rows} 行），未导入任何数据，详见 errors。",
            errors=[e.model_dump() for e in errors],
            error_count=len(errors),
        )
        self.errors = errors
