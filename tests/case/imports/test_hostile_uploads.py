"""Uploads are parsed only for callers who may import there, bounded in size, off the event loop,
and with defusedxml: an entity bomb in an .xlsx is a 400, never minutes of CPU."""

import io
import time
import zipfile

import httpx
import openpyxl
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.case.imports.endpoints import MAX_UPLOAD_BYTES
from services.case.imports.sheets import CSV, XLSX
from services.case.models import Platform, Recipient
from services.common.settings import Settings
from tests.case.factories import make_tree
from tests.case.imports.sheets import RECIPIENT_HEADERS, recipient_rows, xlsx
from tests.case.imports.test_recipient_import import staff, upload
from tests.support.auth import bearer

BOMB_DTD = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    + "]>"
)


def entity_bomb() -> bytes:
    """A real workbook whose first sheet's XML carries a billion-laughs DTD."""
    source = zipfile.ZipFile(io.BytesIO(xlsx(RECIPIENT_HEADERS, recipient_rows(1))))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as bomb:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = data.split(b"?>", 1)[-1]  # after the XML declaration, if there is one
                data = BOMB_DTD.encode() + body.replace(b"<t>", b"<t>&lol9;", 1)
            bomb.writestr(item, data)
    return out.getvalue()


async def test_openpyxl_parses_with_defusedxml() -> None:
    assert openpyxl.DEFUSEDXML is True


async def test_an_entity_bomb_is_a_400_at_once(
    client: httpx.AsyncClient, settings: Settings, session: AsyncSession
) -> None:
    station: Platform = (await make_tree(session))["station"]
    started = time.process_time()
    response = await upload(client, staff(settings, station), station, entity_bomb())
    assert response.status_code == 400 and response.json()["code"] == "BAD_USER_INPUT"
    assert time.process_time() - started < 5  # a sanity bound, not a benchmark: the bomb was never expanded
    assert await session.scalar(select(func.count()).select_from(Recipient)) == 0


async def test_a_caller_who_may_not_import_is_refused_before_the_sheet_is_read(
    client: httpx.AsyncClient, settings: Settings, session: AsyncSession
) -> None:
    station: Platform = (await make_tree(session))["station"]
    big = b"\xef\xbb\xbf" + "姓名,性别\n".encode() + b"x" * (MAX_UPLOAD_BYTES - 100)
    for headers in (
        bearer(settings, "app_client", scopes=["wishes:read"]),
        bearer(settings, "station_staff", platform_id=(await make_tree(session, county="150782"))["station"].id),
    ):
        response = await upload(client, headers, station, big, media=CSV)
        assert response.status_code in (403, 404), response.text


async def test_more_than_the_limit_is_413(client: httpx.AsyncClient, settings: Settings, session: AsyncSession) -> None:
    station: Platform = (await make_tree(session))["station"]
    response = await upload(client, staff(settings, station), station, b"x" * (MAX_UPLOAD_BYTES + 1), media=XLSX)
    assert response.status_code == 413 and response.json()["code"] == "PAYLOAD_TOO_LARGE"
