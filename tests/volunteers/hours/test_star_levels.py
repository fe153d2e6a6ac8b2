"""Star levels at each threshold edge, the ledger's exact totals, and the certificate."""

import httpx
import pytest

from services.common.database import Database
from services.common.settings import Settings
from services.volunteers.hours.star_levels import minutes_to_next_level, star_level
from tests.volunteers.conftest import Station, volunteer_headers
from tests.volunteers.factories import add_correction, make_volunteer

EDGES = [
    (0, 0),
    (5970, 0),  # 99.5 h
    (6000, 1),  # 100 h
    (17_999, 1),
    (18_000, 2),  # 300 h
    (36_000, 3),  # 600 h
    (59_999, 3),
    (60_000, 4),  # 1,000 h
    (89_940, 4),  # 1,499 h
    (90_000, 5),  # 1,500 h
    (500_000, 5),
]


class TestStarLevelTable:
    @pytest.mark.parametrize(("minutes", "level"), EDGES)
    def test_level_at_edge(self, minutes: int, level: int) -> None:
        assert star_level(minutes) == level

    def test_minutes_to_next_level(self) -> None:
        assert minutes_to_next_level(5970) == 30
        assert minutes_to_next_level(90_000) is None


class TestHoursSummary:
    @pytest.mark.parametrize(
        ("minutes", "hours", "level"),
        [(5970, "99.50", 0), (6000, "100.00", 1), (89_940, "1499.00", 4), (90_000, "1500.00", 5)],
    )
    async def test_summary_at_threshold_edges(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        station: Station,
        rolled_back_db: Database,
        minutes: int,
        hours: str,
        level: int,
    ) -> None:
        volunteer = await make_volunteer(rolled_back_db, settings, platform_id=station.platform_id)
        await add_correction(rolled_back_db, volunteer, minutes)
        summary = (
            await client.get(f"/v1/volunteers/{volunteer.id}/hours", headers=volunteer_headers(settings, volunteer.id))
        ).json()
        assert (summary["total_minutes"], summary["total_hours"], summary["star_level"]) == (minutes, hours, level)

    async def test_corrections_need_a_reason_and_a_manager(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        station: Station,
        other_station: Station,
        rolled_back_db: Database,
    ) -> None:
        volunteer = await make_volunteer(rolled_back_db, settings, platform_id=station.platform_id)
        url = f"/v1/volunteers/{volunteer.id}/hours/corrections"
        assert (await client.post(url, json={"minutes": 30}, headers=station.headers)).status_code == 422
        assert (await client.post(url, json={"minutes": 0, "reason": "x"}, headers=station.headers)).status_code == 422
        assert (
            await client.post(url, json={"minutes": 30, "reason": "补录"}, headers=other_station.headers)
        ).status_code == 404
        mine = volunteer_headers(settings, volunteer.id)
        assert (await client.post(url, json={"minutes": 30, "reason": "补录"}, headers=mine)).status_code == 403
        added = await client.post(url, json={"minutes": 6000, "reason": "补录2025年时长"}, headers=station.headers)
        assert added.status_code == 201 and added.json()["hours"] == "100.00"
        removed = await client.post(url, json={"minutes": -30, "reason": "重复登记"}, headers=station.headers)
        assert removed.status_code == 201
        summary = (await client.get(f"/v1/volunteers/{volunteer.id}/hours", headers=station.headers)).json()
        assert (summary["total_minutes"], summary["star_level"]) == (5970, 0)


class TestServiceRecord:
    async def test_json_and_printable_certificate(
        self, client: httpx.AsyncClient, settings: Settings, station: Station, rolled_back_db: Database
    ) -> None:
        volunteer = await make_volunteer(
            rolled_back_db, settings, platform_id=station.platform_id, name="<script>王</script>"
        )
        await add_correction(rolled_back_db, volunteer, 18_000)
        headers = volunteer_headers(settings, volunteer.id)
        record = (await client.get(f"/v1/volunteers/{volunteer.id}/record", headers=headers)).json()
        assert record["summary"]["star_level"] == 2 and len(record["entries"]) == 1
        page = await client.get(f"/v1/volunteers/{volunteer.id}/certificate", headers=headers)
        assert page.headers["content-type"].startswith("text/html")
        assert "志愿服务记录证明" in page.text and "★★" in page.text and "300.00" in page.text
        assert "<script>" not in page.text
