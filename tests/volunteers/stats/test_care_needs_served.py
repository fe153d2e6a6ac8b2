"""Care needs served (issue 17): distinct care needs with at least one done visit in the period."""

from datetime import timedelta

import httpx

from services.common.clock import clock
from services.common.database import Database
from services.common.settings import Settings
from services.volunteers.models import VisitLog
from tests.support.auth import bearer
from tests.volunteers.conftest import make_station
from tests.volunteers.factories import make_assignment, make_volunteer


async def test_a_care_need_is_served_once_however_many_visits(
    client: httpx.AsyncClient, settings: Settings, rolled_back_db: Database
) -> None:
    station = make_station(settings, region="150781001")
    now = clock.now()
    outcomes = (("done", "done"), ("missed",), ("done",))
    for visits in outcomes:
        volunteer = await make_volunteer(
            rolled_back_db, settings, platform_id=station.platform_id, region=station.region
        )
        assignment = await make_assignment(
            rolled_back_db, settings, volunteer=volunteer, platform_id=station.platform_id
        )
        async with rolled_back_db.sessions() as session:
            for days, outcome in enumerate(visits, start=1):
                session.add(
                    VisitLog(
                        assignment_id=assignment.id,
                        volunteer_id=volunteer.id,
                        visited_at=now - timedelta(days=days),
                        outcome=outcome,
                        minutes=60 if outcome == "done" else 0,
                        recorded_by="t",
                    )
                )
            await session.commit()
    params = {"region": "1507", "from": (now - timedelta(days=10)).isoformat(), "to": now.isoformat()}
    stats = (
        await client.get("/v1/stats", params=params, headers=bearer(settings, "civil_affairs_admin", region="15"))
    ).json()
    assert (stats["care_visits_done"], stats["care_minutes"], stats["care_needs_served"]) == (3, 180, 2)
