"""People counted once (issue 17): the same social worker added by the station and by the admin is one
staff record, and a person with posts at several platforms counts once in the region's figures."""

from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.case.models import Staff
from services.common.settings import Settings
from tests.case.factories import make_id_number, make_tree
from tests.support.auth import bearer

WINDOW = {
    "from": (datetime.now(UTC) - timedelta(days=30)).isoformat(),
    "to": (datetime.now(UTC) + timedelta(days=1)).isoformat(),
}


def worker(**fields: str) -> dict[str, str]:
    return {"name": "其其格", "role": "resident_worker", "certification": "social_worker", **fields}


async def test_the_same_person_is_recorded_once_per_platform_and_counted_once(
    client: httpx.AsyncClient, settings: Settings, session: AsyncSession
) -> None:
    tree = await make_tree(session)
    station, room = tree["station"], tree["room"]
    station_staff = bearer(settings, "station_staff", platform_id=station.id, region="150781")
    admin = bearer(settings, "civil_affairs_admin", region="1507")
    id_number = make_id_number("150781", serial=321)
    url = f"/v1/platforms/{station.id}/staff"

    added = await client.post(url, json=worker(id_number=id_number, phone="13947012345"), headers=station_staff)
    assert added.status_code == 201, added.json()
    for again in (
        worker(id_number=id_number.lower()),  # the admin types the same ID number
        worker(phone="13947012345"),  # or only the phone
    ):
        duplicate = await client.post(url, json=again, headers=admin)
        assert duplicate.status_code == 409, duplicate.json()
        assert duplicate.json()["code"] == "STAFF_ALREADY_RECORDED"
        assert duplicate.json()["staff_id"] == added.json()["id"]
    assert (await client.post(url, json=worker(name="乌云"), headers=admin)).status_code == 201
    count = await session.scalar(select(func.count()).select_from(Staff).where(Staff.platform_id == station.id))
    assert count == 2
    stored = await session.scalar(select(Staff.id_number_encrypted).where(Staff.id_number_hash.is_not(None)))
    assert stored and id_number not in stored

    # The same person also holds a post at the community room below the station.
    second_post = await client.post(
        f"/v1/platforms/{room.id}/staff", json=worker(id_number=id_number), headers=station_staff
    )
    assert second_post.status_code == 201, second_post.json()
    for region in ("150781", "150781001"):
        stats = (await client.get("/v1/stats", params={**WINDOW, "region": region}, headers=admin)).json()
        assert (stats["social_workers"], stats["certified_social_workers"]) == (2, 2), (region, stats)
    room_only = (await client.get("/v1/stats", params={**WINDOW, "region": "150781001001"}, headers=admin)).json()
    assert (room_only["social_workers"], room_only["certified_social_workers"]) == (1, 1)
