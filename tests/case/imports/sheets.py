"""Station sheets for the import tests, built the way a station's spreadsheet looks."""

import io
from datetime import date, timedelta
from typing import Any

from openpyxl import Workbook

from services.case.imports.columns import RECIPIENT_COLUMNS, WISH_COLUMNS
from services.common.personal_data import id_check_character

RECIPIENT_HEADERS = [c.header for c in RECIPIENT_COLUMNS]
WISH_HEADERS = [c.header for c in WISH_COLUMNS]


def id_number(birth: date, serial: int, county: str = "150781") -> str:
    first17 = f"{county}{birth:%Y%m%d}{serial % 1000:03d}"
    return first17 + id_check_character(first17)


def recipient_rows(count: int, region: str = "150781001") -> list[list[Any]]:
    """`count` valid rows, every ID number different."""
    rows = []
    for index in range(count):
        birth = date(1940, 1, 1) + timedelta(days=index * 7)
        rows.append(
            [
                f"王秀{'英兰芳梅'[index % 4]}",
                "女" if index % 2 else "男",
                birth,
                id_number(birth, 100 + index % 800),
                f"1700{index:07d}",
                f"满洲里市东山街道演示小区{index % 30 + 1}号楼",
                region,
                "老年人、空巢" if index % 3 else "老年人，独居",
                None,
                "高血压",
                "本人",
                "2024-03-01 09:30",
                "建档并提供社会工作服务",
            ]
        )
    return rows


def xlsx(headers: list[str], rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(headers: list[str], rows: list[list[Any]], encoding: str = "utf-8-sig") -> bytes:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(["" if v is None else (v.isoformat() if isinstance(v, date) else v) for v in row] for row in rows)
    return buffer.getvalue().encode(encoding)
