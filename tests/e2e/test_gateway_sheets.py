"""Station sheets through the gateway (gateway/sheets.py): a sheet with a bad row is refused with
every row and column named (as JSON or as the report file), nothing imported; the good sheet
imports and its recipients are read back through GraphQL by their global ids."""

import io
from datetime import date, timedelta

import httpx
import pytest
from openpyxl import load_workbook

from gateway.ids import to_global_id
from tests.case.imports.sheets import RECIPIENT_HEADERS, id_number, recipient_rows, xlsx
from tests.e2e.world import World
from tests.support.graphql import gql

pytestmark = pytest.mark.e2e
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NAMES = """query($ids: ID!) { a: node(id: $ids) { ... on Recipient { name regionCode } } }"""


def _rows() -> list[list[object]]:
    rows = recipient_rows(3, region="150781001")
    for index, row in enumerate(rows):  # people of their own, born in 1936
        birth = date(1936, 2, 1) + timedelta(days=index)
        row[2], row[3] = birth, id_number(birth, 900 + index)
    return rows


def test_a_sheet_with_a_bad_row_is_refused_by_row_and_column_then_the_good_one_imports(world: World) -> None:
    url = f"{world.stack.url('gateway')}/imports/recipients"
    params = {"platformId": world.station_gid()}
    headers = {**world.station(), "content-type": XLSX}
    rows = _rows()
    rows[1][7] = "流浪人员"  # not a category
    refused = httpx.post(url, params=params, headers=headers, content=xlsx(RECIPIENT_HEADERS, rows), timeout=30)
    assert refused.status_code == 422, refused.text
    problem = refused.json()
    assert problem["code"] == "IMPORT_REJECTED" and problem["error_count"] == 1
    assert [(e["row"], e["column"]) for e in problem["errors"]] == [(3, "类别")] and problem["errors"][0]["message_zh"]

    report = httpx.post(
        url,
        params={**params, "errorReport": "xlsx"},
        headers=headers,
        content=xlsx(RECIPIENT_HEADERS, rows),
        timeout=30,
    )
    assert report.status_code == 422 and report.headers["content-type"].startswith(XLSX)
    assert "attachment" in report.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(report.content)).active
    assert sheet is not None and [c.value for c in sheet[2]][:2] == [3, "类别"]

    rows[1][7] = "老年人、空巢"
    good = xlsx(RECIPIENT_HEADERS, rows)
    imported = httpx.post(
        url, params=params, headers={**headers, "idempotency-key": "sheet-import-1"}, content=good, timeout=30
    )
    assert imported.status_code == 201, imported.text
    body = imported.json()
    assert body["imported"] == 3 and body["platformId"] == world.station_gid()
    for recipient_id, row in zip(body["ids"], rows, strict=True):
        read = gql(world.stack, NAMES, {"ids": recipient_id}, world.station())["data"]["a"]
        assert read == {"name": row[0], "regionCode": "150781001"}
    again = httpx.post(
        url, params=params, headers={**headers, "idempotency-key": "sheet-import-1"}, content=good, timeout=30
    )
    assert again.status_code == 201 and again.json()["ids"] == body["ids"]  # a retry imports nothing twice


def test_sheet_routes_refuse_anonymous_callers_other_roles_and_other_ids(world: World) -> None:
    url = f"{world.stack.url('gateway')}/imports/recipients"
    params = {"platformId": world.station_gid()}
    sheet = xlsx(RECIPIENT_HEADERS, _rows())
    assert httpx.post(url, params=params, content=sheet, timeout=10).status_code == 401
    wrong_id = {"platformId": to_global_id("Need", "6f1c1c2e-8d4b-4a43-9d59-0c1f3e0b7a11")}
    refused = httpx.post(url, params=wrong_id, headers=world.station(), content=sheet, timeout=10)
    assert refused.status_code == 400 and refused.json()["code"] == "BAD_USER_INPUT", refused.text
    assert httpx.post(url, params=params, headers=world.admin, content=sheet, timeout=10).status_code == 403


def test_the_wish_list_export_passes_the_case_services_answer_on(world: World) -> None:
    url = f"{world.stack.url('gateway')}/exports/wishes.xlsx"
    unknown = {"projectId": to_global_id("Project", "6f1c1c2e-8d4b-4a43-9d59-0c1f3e0b7a11")}
    missing = httpx.get(url, params=unknown, headers=world.station(), timeout=10)
    assert missing.status_code == 404 and missing.json()["detail_zh"], missing.text
    assert httpx.get(url, params=unknown, timeout=10).status_code == 401
