"""Bad volunteer input is a 422 naming the field; the region, which decides who sees a volunteer,
changes only by managing staff."""

import uuid

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.common.database import Database
from services.common.settings import Settings
from services.volunteers.models import AuditEntry, OutboxEvent, Volunteer
from tests.support.auth import bearer
from tests.support.validation import UNSTORABLE, assert_refused, send_json
from tests.volunteers.conftest import Station, volunteer_headers
from tests.volunteers.factories import make_volunteer, new_id_number
from tests.volunteers.volunteers.test_endpoints import registration

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


async def written(connection: AsyncConnection) -> tuple[int, ...]:
    models = (Volunteer, AuditEntry, OutboxEvent)
    return tuple([int(await connection.scalar(select(func.count()).select_from(m)) or 0) for m in models])


async def stored(connection: AsyncConnection, volunteer_id: uuid.UUID) -> tuple[str, int, str]:
    row = (await connection.execute(select(Volunteer).where(Volunteer.id == volunteer_id))).one()
    return row.region, row.version, row.name


class TestRegister:
    @pytest.mark.parametrize("text", UNSTORABLE)
    async def test_an_unstorable_name_is_refused(
        self, client: httpx.AsyncClient, station: Station, connection: AsyncConnection, text: str
    ) -> None:
        before = await written(connection)
        response = await send_json(client, "POST", "/v1/volunteers", registration(station, name=text), station.headers)
        assert_refused(response, "body", "name")
        assert await written(connection) == before

    @pytest.mark.parametrize(
        ("loc", "override"),
        [
            (("verification",), {"verification": "verified"}),
            (("version",), {"version": 3}),
            (("name",), {"name": "巴" * 101}),
            (("name",), {"name": "巴特尔\n"}),  # a name is one line
            (("phone",), {"phone": "13912345678".translate(ARABIC_INDIC)}),
            (("id_number",), {"id_number": new_id_number().translate(ARABIC_INDIC)}),
            (("region",), {"region": "١٥٠٧٨١٠٠١"}),
            (("availability", 0, "start"), {"availability": [{"weekday": 2, "start": "١٥:٠٠", "end": "17:00"}]}),
            (
                ("availability", 0, "note"),
                {"availability": [{"weekday": 2, "start": "15:00", "end": "17:00", "note": 1}]},
            ),
        ],
    )
    async def test_unknown_or_foreign_is_refused(
        self,
        client: httpx.AsyncClient,
        station: Station,
        connection: AsyncConnection,
        loc: tuple[str | int, ...],
        override: dict[str, object],
    ) -> None:
        body = registration(station, **override)
        before = await written(connection)
        response = await client.post("/v1/volunteers", json=body, headers=station.headers)
        assert_refused(response, "body", *loc)
        assert await written(connection) == before


class TestRegionChange:
    async def test_a_volunteer_cannot_move_their_own_region(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        station: Station,
        rolled_back_db: Database,
        connection: AsyncConnection,
    ) -> None:
        volunteer = await make_volunteer(rolled_back_db, settings, platform_id=station.platform_id)
        before = (await stored(connection, volunteer.id), await written(connection))
        response = await client.patch(
            f"/v1/volunteers/{volunteer.id}",
            json={"region": "430102001", "skills": ["cooking"]},
            headers={**volunteer_headers(settings, volunteer.id), "If-Match": '"1"'},
        )
        assert response.status_code == 403 and response.json()["code"] == "FORBIDDEN"
        assert (await stored(connection, volunteer.id), await written(connection)) == before

    async def test_a_volunteer_may_send_back_the_region_they_have(
        self, client: httpx.AsyncClient, settings: Settings, station: Station, rolled_back_db: Database
    ) -> None:
        volunteer = await make_volunteer(rolled_back_db, settings, platform_id=station.platform_id)
        response = await client.patch(
            f"/v1/volunteers/{volunteer.id}",
            json={"region": volunteer.region, "skills": ["cooking"]},
            headers={**volunteer_headers(settings, volunteer.id), "If-Match": '"1"'},
        )
        assert response.status_code == 200 and response.json()["skills"] == ["cooking"]

    async def test_the_platforms_staff_move_it(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        station: Station,
        rolled_back_db: Database,
        connection: AsyncConnection,
    ) -> None:
        volunteer = await make_volunteer(rolled_back_db, settings, platform_id=station.platform_id)
        response = await client.patch(
            f"/v1/volunteers/{volunteer.id}",
            json={"region": "150781002"},
            headers={**station.headers, "If-Match": '"1"'},
        )
        assert response.status_code == 200 and response.json()["region"] == "150781002"
        assert (await stored(connection, volunteer.id))[:2] == ("150781002", 2)

    async def test_region_staff_move_it_only_inside_their_region(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        station: Station,
        rolled_back_db: Database,
        connection: AsyncConnection,
    ) -> None:
        centre_id = uuid.uuid4()  # the station's county centre: its subtree holds the station
        volunteer = await make_volunteer(
            rolled_back_db,
            settings,
            platform_id=station.platform_id,
            platform_path=f"/{centre_id}/{station.platform_id}/",
        )
        centre = bearer(settings, "centre_staff", platform_id=centre_id, region="150781")
        url = f"/v1/volunteers/{volunteer.id}"
        outside = await client.patch(url, json={"region": "430102001"}, headers={**centre, "If-Match": '"1"'})
        assert outside.status_code == 403
        assert (await stored(connection, volunteer.id))[:2] == ("150781001", 1)
        inside = await client.patch(url, json={"region": "150781002"}, headers={**centre, "If-Match": '"1"'})
        assert inside.status_code == 200 and inside.json()["region"] == "150781002"


class TestUpdate:
    @pytest.mark.parametrize(
        "change",
        [
            {"verification": "verified"},
            {"platform_id": "00000000-0000-0000-0000-000000000000"},
            {"name": "王\x00小明"},
            {"name": "王\x1b小明"},
            {"phone": "13812345678".translate(ARABIC_INDIC)},
        ],
    )
    async def test_bad_change_is_refused_and_the_volunteer_stays(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        station: Station,
        rolled_back_db: Database,
        connection: AsyncConnection,
        change: dict[str, object],
    ) -> None:
        volunteer = await make_volunteer(rolled_back_db, settings, platform_id=station.platform_id)
        before = (await stored(connection, volunteer.id), await written(connection))
        response = await client.patch(
            f"/v1/volunteers/{volunteer.id}",
            json=change,
            headers={**volunteer_headers(settings, volunteer.id), "If-Match": '"1"'},
        )
        assert_refused(response, "body", next(iter(change)))
        assert (await stored(connection, volunteer.id), await written(connection)) == before
