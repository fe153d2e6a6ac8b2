"""`wushe export stats --period` and `linkageStats` agree figure for figure (issue 17), on a small
fixture of November 2026 written to the running stack's database and read through the real services."""

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from gateway.ids import from_global_id
from services.case.models import Platform, ServiceRecord
from services.common.clock import beijing_month
from services.common.database import Database
from services.common.vocabulary import NeedKind
from tests.case.factories import make_case, make_need, make_recipient, make_staff
from tests.e2e.world import World
from tests.support.auth import bearer
from tests.support.graphql import gql
from tests.volunteers.factories import make_activity
from wushe_cli.main import app

pytestmark = pytest.mark.e2e
runner = CliRunner()
NOVEMBER = beijing_month(datetime(2026, 11, 15, tzinfo=UTC))
PLATFORM_FIGURES = """socialWorkers certifiedSocialWorkers projects serviceRecords beneficiaryPersonTimes casesOpened
  casesClosed wishesMet wishesMetValue activitiesHeld volunteerPersonTimes socialWorkerPersonTimes donorPersonTimes
  careVisitsDone careMinutes careNeedsServed pledges"""
STATS = f"""query($s: DateTime!, $e: DateTime!) {{ linkageStats(regionCode: "15", start: $s, end: $e) {{
  beneficiaryPersonTimes
  caseSide {{ platforms {{ countyCentres stations communityRooms }} socialWorkers certifiedSocialWorkers projects
    brandProjects serviceRecords beneficiaryPersonTimes casesOpened casesClosed
    needs {{ kind published fulfilled fulfilledValue }} }}
  volunteerSide {{ activitiesHeld volunteerPersonTimes socialWorkerPersonTimes donorPersonTimes beneficiaryPersonTimes
    careVisitsDone careMinutes careNeedsServed }}
  fundSide {{ fundsRaised fundsDisbursed donations drawableFundsRaised drawableFundsDisbursed offersPublished pledges
    foundations }}
  byPlatform {{ platformId name {PLATFORM_FIGURES} }} }} }}"""
# GraphQL figure -> (sheet, field) of the export.
CASE = {
    "platforms.countyCentres": "platforms.county_centre",
    "platforms.stations": "platforms.station",
    "platforms.communityRooms": "platforms.community_room",
    "socialWorkers": "social_workers",
    "certifiedSocialWorkers": "certified_social_workers",
    "projects": "projects",
    "brandProjects": "brand_projects",
    "serviceRecords": "service_records",
    "beneficiaryPersonTimes": "beneficiaries",
    "casesOpened": "cases_opened",
    "casesClosed": "cases_closed",
}
VOLUNTEERS = {
    "activitiesHeld": "activities_held",
    "volunteerPersonTimes": "participant_person_times.volunteer",
    "socialWorkerPersonTimes": "participant_person_times.social_worker",
    "donorPersonTimes": "participant_person_times.donor",
    "beneficiaryPersonTimes": "beneficiaries",
    "careVisitsDone": "care_visits_done",
    "careMinutes": "care_minutes",
    "careNeedsServed": "care_needs_served",
}
FUNDS = {
    "fundsRaised": "funds_raised",
    "fundsDisbursed": "funds_disbursed",
    "donations": "donations",
    "drawableFundsRaised": "drawable_funds_raised",
    "drawableFundsDisbursed": "drawable_funds_disbursed",
    "offersPublished": "offers_published",
    "pledges": "pledges",
    "foundations": "foundations",
}


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


def _flat(figures: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in figures.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}."))
        elif not isinstance(value, list):
            out[f"{prefix}{key}"] = value
    return out


async def _november(world: World, database_url: str) -> None:
    """A worker, a case with a service record and a funding need met, and an activity held, in November."""
    db = Database.connect(database_url, pool_size=1, max_overflow=0)
    try:
        async with db.sessions() as session:
            station = await session.get(Platform, uuid.UUID(world.station_id))
            assert station is not None
            await make_staff(session, platform=station, certification="social_worker", phone_hash=uuid.uuid4().hex)
            recipient = await make_recipient(session, platform=station)
            case = await make_case(session, recipient=recipient, opened_at=NOVEMBER[0])
            session.add(
                ServiceRecord(
                    case_id=case.id,
                    platform_id=station.id,
                    region_code=case.region_code,
                    kind="home_visit",
                    served_on=date(2026, 11, 3),
                    beneficiaries=4,
                    recorded_by="t",
                )
            )
            await make_need(
                session,
                case=case,
                kind="funding",
                amount=Decimal("800.00"),
                state="fulfilled",
                created_at=NOVEMBER[0],
                fulfilled_at=NOVEMBER[0],
            )
            await session.commit()
        activity = await make_activity(
            db, platform_id=station.id, region="150781001", starts_at=datetime(2026, 11, 5, 1, tzinfo=UTC)
        )
        async with db.sessions() as session:
            held = await session.merge(activity)
            held.state, held.beneficiaries, held.social_worker_participants = "completed", 9, 2
            await session.commit()
    finally:
        await db.dispose()


def _export(world: World, out: Path) -> Any:
    urls = ["--case-url", world.stack.url("case"), "--volunteers-url", world.stack.url("volunteers")]
    result = runner.invoke(
        app,
        [
            "export",
            "stats",
            str(out),
            "--region",
            "15",
            "--period",
            "2026-11",
            *urls,
            "--resources-url",
            world.stack.url("resources"),
        ],
    )
    assert result.exit_code == 0, result.output
    return load_workbook(out)


async def test_export_and_linkage_stats_agree(world: World, e2e_database_url: str, tmp_path: Path) -> None:
    await _november(world, e2e_database_url)
    workbook = _export(world, tmp_path / "stats.xlsx")
    sheet = {
        name: {row[2]: row[1] for row in workbook[name].iter_rows(min_row=2, values_only=True)}
        for name in ("社工服务", "志愿服务", "慈善资源", "合计")
    }
    admin = bearer(world.settings, "civil_affairs_admin", region="15")
    body = gql(world.stack, STATS, {"s": NOVEMBER[0].isoformat(), "e": NOVEMBER[1].isoformat()}, admin)
    assert "errors" not in body, body
    stats = body["data"]["linkageStats"]

    compared = 0
    for side, mapping, name in (
        (stats["caseSide"], CASE, "社工服务"),
        (stats["volunteerSide"], VOLUNTEERS, "志愿服务"),
        (stats["fundSide"], FUNDS, "慈善资源"),
    ):
        figures = _flat(side)
        assert set(figures) == set(mapping), f"{name}: every figure is compared"
        for figure, field in mapping.items():
            assert float(sheet[name][field]) == float(figures[figure]), (name, figure)
            compared += 1
    assert sheet["合计"]["beneficiary_person_times"] == stats["beneficiaryPersonTimes"]

    needs = [[r[0], r[1], r[2], r[3]] for r in workbook["需求与心愿"].iter_rows(min_row=2, values_only=True)]
    assert needs == [
        [NeedKind(n["kind"].lower()).label, n["published"], n["fulfilled"], float(n["fulfilledValue"])]
        for n in stats["caseSide"]["needs"]
    ]
    header, *rows = list(workbook["各平台"].iter_rows(values_only=True))
    exported = {row[-1]: dict(zip(header, row, strict=True)) for row in rows}
    assert len(exported) == len(rows) == len(stats["byPlatform"])
    for platform in stats["byPlatform"]:
        row = exported[str(from_global_id(platform["platformId"])[1])]
        assert row["平台"] == platform["name"]
        for figure in PLATFORM_FIGURES.split():
            assert float(row[_snake(figure)]) == float(platform[figure]), (platform["name"], figure)
            compared += 1
    # The fixture shows: November's record, need and activity are in both.
    assert sheet["社工服务"]["service_records"] >= 1 and stats["caseSide"]["needs"]
    assert stats["volunteerSide"]["activitiesHeld"] >= 1 and stats["beneficiaryPersonTimes"] >= 13
    assert compared > 40
