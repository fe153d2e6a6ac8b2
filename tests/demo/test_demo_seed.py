"""The demo seeder against real servers: what it promises is there, and a second run adds nothing."""

import asyncio
import json
import re
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from services.common.clock import beijing_week, clock, shift_to
from services.common.database import create_engine
from services.common.migrations import upgrade_all
from services.common.settings import Settings
from tests.support.auth import bearer
from tests.support.database import create_database, drop_database
from tests.support.otlp import otlp_receiver
from tests.support.stack import started_stack
from wushe_cli.check import find_violations
from wushe_cli.demo import SeedReport, build_plan, seed_demo
from wushe_cli.demo.client import SeedError
from wushe_cli.demo.plan import SEED, DemoPlan
from wushe_cli.stack import Stack

pytestmark = pytest.mark.e2e
QUERIES = Path(__file__).parents[2] / "docs" / "demo-queries.md"


@dataclass
class Seeded:
    stack: Stack
    settings: Settings
    plan: DemoPlan
    first: SeedReport
    second: SeedReport
    spans: list[bytes]
    database_url: str

    def admin(self) -> dict[str, str]:
        return bearer(self.settings, "civil_affairs_admin", region="15", subject="test-admin")

    async def all_items(self, service: str, path: str, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        cursor = None
        async with httpx.AsyncClient(base_url=self.stack.url(service), timeout=30) as client:
            while True:
                query = {**params, "limit": 100, **({"cursor": cursor} if cursor else {})}
                response = await client.get(path, params=query, headers=headers)
                assert response.status_code == 200, response.text
                page = response.json()
                items += page["items"]
                cursor = page.get("next_cursor")
                if not cursor:
                    return items


def coming_week_boundary() -> datetime:
    """Five minutes before the next Monday 00:00 in Beijing: the seeding runs across a week boundary,
    the hardest time for the volunteers' weekly hours, whatever day the suite runs on."""
    _, monday = beijing_week(clock.now())
    return monday - timedelta(minutes=5)


@pytest.fixture(scope="module")
async def seeded(server_url: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Seeded]:
    url = await create_database(server_url, "wushe_demo")
    await asyncio.to_thread(upgrade_all, url)
    settings = Settings(environment="test")
    moment = coming_week_boundary()
    try:
        with otlp_receiver() as (endpoint, spans), clock.shifted(moment):
            environment = {
                "WUSHE_ENVIRONMENT": "test",
                "WUSHE_CLOCK_SHIFT_S": str(shift_to(moment).total_seconds()),
                "WUSHE_OTLP_ENDPOINT": endpoint,
                "WUSHE_LOG_LEVEL": "INFO",
            }
            with started_stack(url, tmp_path_factory.mktemp("demo-logs"), environment) as stack:
                urls = {name: stack.url(name) for name in ("case", "resources", "volunteers")}
                first = await seed_demo(urls, settings, show_progress=False)
                second = await seed_demo(urls, settings, show_progress=False)
                yield Seeded(stack, settings, build_plan(moment), first, second, spans, url)
    finally:
        await drop_database(server_url, url)


class TestSeed:
    async def test_the_first_run_creates_everything_the_plan_lists(self, seeded: Seeded) -> None:
        counts = seeded.plan.counts()
        created = seeded.first.tally.created
        for kind in (
            "platforms",
            "staff",
            "projects",
            "recipients",
            "cases",
            "needs",
            "organisations",
            "offers",
            "donations",
            "volunteers",
            "teams",
            "activities",
            "signups",
        ):
            assert created[kind] == counts[kind], kind
        assert seeded.first.tally.changed["hours_approved"] == counts["approved_hours"]

    async def test_a_second_run_creates_and_changes_nothing(self, seeded: Seeded) -> None:
        assert seeded.second.created == 0
        assert seeded.second.changed == 0
        assert sum(seeded.second.tally.replayed.values()) > 1000

    async def test_every_cross_service_invariant_holds_after_seeding(self, seeded: Seeded) -> None:
        """`wushe check` over the demo: needs and holds, counters, ledgers, claims and events agree."""
        findings = await find_violations(seeded.database_url, grace_s=0)
        assert {f.invariant.name: f.ids[:3] for f in findings if f.ids} == {}
        assert len(findings) >= 11

    async def test_the_demo_is_large_enough_to_be_realistic(self, seeded: Seeded) -> None:
        counts = seeded.plan.counts()
        assert counts["recipients"] == 500
        assert counts["county_centres"] == 6 and counts["stations"] >= 12 and counts["community_rooms"] >= 12
        assert counts["brand_projects"] == 6
        assert counts["mongolian_care_needs"] >= 5
        assert counts["mongolian_speaking_volunteers"] >= 10


class TestThroughTheApis:
    async def test_platforms_span_three_leagues_with_all_service_models(self, seeded: Seeded) -> None:
        platforms = await seeded.all_items("case", "/v1/platforms", seeded.admin())
        levels = Counter(p["level"] for p in platforms)
        assert levels == {"county_centre": 6, "station": 12, "community_room": 18}
        assert len({p["region_code"][:4] for p in platforms}) >= 3
        assert {p["service_model"] for p in platforms if p["level"] == "station"} == {"embedded", "sinking", "bridging"}
        assert all(len(p["region_code"]) == 9 for p in platforms if p["level"] == "station")

    async def test_staff_carry_every_certification_level(self, seeded: Seeded) -> None:
        platforms = await seeded.all_items("case", "/v1/platforms", seeded.admin(), level="station")
        certifications: Counter[str] = Counter()
        async with httpx.AsyncClient(base_url=seeded.stack.url("case"), timeout=30) as client:
            for platform in platforms:
                response = await client.get(f"/v1/platforms/{platform['id']}/staff", headers=seeded.admin())
                certifications.update(s["certification"] for s in response.json())
        assert set(certifications) == {"none", "assistant_social_worker", "social_worker", "senior_social_worker"}

    async def test_recipients_are_all_there_masked_for_civil_affairs(self, seeded: Seeded) -> None:
        recipients = await seeded.all_items("case", "/v1/recipients", seeded.admin())
        assert len(recipients) == 500
        assert all(r["masked"] and re.fullmatch(r"\d{3}\*{11}[\dX]{4}", r["id_number"]) for r in recipients)
        categories = Counter(c for r in recipients for c in r["categories"])
        assert {
            "empty_nest",
            "living_alone",
            "disabled_elderly",
            "left_behind",
            "child_in_hardship",
            "dibao",
            "tekun",
            "dibian",
            "disabled",
        } <= set(categories)

    async def test_cases_are_at_every_stage_with_real_histories(self, seeded: Seeded) -> None:
        cases = await seeded.all_items("case", "/v1/cases", seeded.admin())
        assert len(cases) == 280
        assert {c["state"] for c in cases} == {
            "intake",
            "assessment",
            "planning",
            "intervention",
            "evaluation",
            "closed",
            "referred",
            "follow_up",
        }
        assert Counter(c["state"] for c in cases) == Counter(s.final_state for s in seeded.plan.cases)
        follow_up = next(c for c in cases if c["state"] == "follow_up")
        async with httpx.AsyncClient(base_url=seeded.stack.url("case"), timeout=30) as client:
            history = (await client.get(f"/v1/cases/{follow_up['id']}/transitions", headers=seeded.admin())).json()
        assert [t["to_state"] for t in history] == [
            "assessment",
            "planning",
            "intervention",
            "evaluation",
            "closed",
            "follow_up",
        ]

    async def test_needs_and_public_wishes(self, seeded: Seeded) -> None:
        counts = seeded.plan.counts()
        needs = await seeded.all_items("case", "/v1/needs", seeded.admin())
        assert len(needs) == counts["needs"]
        kinds = Counter(n["kind"] for n in needs)
        assert kinds == {
            "micro_wish": counts["micro_wishes"],
            "care": counts["care_needs"],
            "funding": counts["funding_needs"],
        }
        assert sum(n["kind"] == "care" and "mn" in n["languages"] for n in needs) == counts["mongolian_care_needs"]
        assert sum(n["state"] in ("fulfilled", "closed") for n in needs) == counts["fulfilled_needs"]
        wishes = await seeded.all_items("case", "/v1/public-wishes", {}, region="15")
        assert wishes and all(w["masked_name"] == "**" for w in wishes)

    async def test_the_feed_is_3_anonymous(self, seeded: Seeded) -> None:
        """No combination of what the feed says about people is shared by fewer than three wishes."""
        feed = []
        for state in ("open", "pending", "matched", "fulfilled", "closed"):  # every state the feed shows
            feed += await seeded.all_items("case", "/v1/public-wishes", {}, region="15", state=state)
        people = Counter(
            (w["display"].split("，")[0], w["age"], w["age_band"], tuple(w["categories"]), w["county_code"],
             w["project_name"], w["masked_name"])
            for w in feed
        )  # fmt: skip
        assert len(feed) >= 100 and min(people.values()) >= 3, people.most_common()[-5:]
        assert sum(w["age_band"] is not None for w in feed) > len(feed) / 2  # and it still says something

    async def test_funds_have_donations_and_disbursements(self, seeded: Seeded) -> None:
        offers = await seeded.all_items("resources", "/v1/offers", seeded.admin(), kind="fund")
        assert len(offers) == 8
        kinds: Counter[str] = Counter()
        async with httpx.AsyncClient(base_url=seeded.stack.url("resources"), timeout=30) as client:
            for offer in offers:
                disclosure = (await client.get(f"/v1/funds/{offer['id']}/disclosure", params={"limit": 100})).json()
                kinds.update(e["kind"] for e in disclosure["entries"])
        assert kinds["donation"] == seeded.plan.counts()["donations"] + len(offers)  # plus each opening balance
        assert kinds["disbursement"] >= 1

    async def test_volunteers_teams_and_approved_hours(self, seeded: Seeded) -> None:
        counts = seeded.plan.counts()
        volunteers = await seeded.all_items("volunteers", "/v1/volunteers", seeded.admin())
        assert len(volunteers) == counts["volunteers"]
        assert all(v["verification"] == "verified" for v in volunteers)
        speakers = await seeded.all_items("volunteers", "/v1/volunteers", seeded.admin(), language="mn")
        assert len(speakers) == counts["mongolian_speaking_volunteers"]
        activities = await seeded.all_items("volunteers", "/v1/activities", seeded.admin())
        assert Counter(a["state"] for a in activities) == {"completed": 12, "scheduled": 12}
        held = next(a for a in activities if a["state"] == "completed")
        signups = await seeded.all_items("volunteers", f"/v1/activities/{held['id']}/signups", seeded.admin())
        assert signups and all(s["hours_state"] == "approved" and s["minutes"] >= 120 for s in signups)


def demo_queries() -> list[tuple[str, str]]:
    """(token note, query) for each GraphQL block of docs/demo-queries.md."""
    text = QUERIES.read_text(encoding="utf-8")
    return re.findall(r"<!-- token: (.+?) -->\n```graphql\n(.+?)```", text, flags=re.S)


class TestDocumentedQueries:
    def test_the_doc_has_three_queries(self) -> None:
        assert len(demo_queries()) == 3

    @pytest.mark.parametrize(("token", "query"), demo_queries(), ids=lambda v: v.split("{")[0].strip()[:40])
    async def test_each_returns_data_through_the_gateway(self, seeded: Seeded, token: str, query: str) -> None:
        headers: dict[str, str] = {}
        if token.startswith("station_staff"):
            stations = await seeded.all_items(
                "case", "/v1/platforms", seeded.admin(), level="station", region="150781001"
            )
            headers = bearer(seeded.settings, "station_staff", platform_id=stations[0]["id"], region="150781001")
        elif token.startswith("civil_affairs_admin"):
            headers = seeded.admin()
        async with httpx.AsyncClient(timeout=30) as client:
            response = await client.post(
                f"{seeded.stack.url('gateway')}/graphql", json={"query": query}, headers=headers
            )
        body = response.json()
        assert "errors" not in body, body
        (field,) = body["data"].values()
        if token.startswith("station_staff"):
            assert field["nodes"], body
            assert all("*" not in n["recipient"]["name"] and n["case"] and n["project"] for n in field["nodes"])
        elif token == "none":
            assert field["nodes"], body
            assert all("，" in n["display"] and "*" not in n["display"] for n in field["nodes"])  # names no one
        else:
            assert field["caseSide"]["casesOpened"] > 0 and field["volunteerSide"]["activitiesHeld"] > 0
            assert field["caseSide"]["platforms"]["stations"] == 12


README = Path(__file__).resolve().parents[2] / "README.md"


def readme_statistics_example() -> tuple[str, dict[str, Any]]:
    """The README's linkage-statistics example: the query its curl sends and the answer it prints."""
    text = README.read_text(encoding="utf-8")
    body = re.search(r"-d '(\{\"query\": \"\{ linkageStats.*?\})'", text)
    answer = re.search(r"((?:^# .*\n)+)```", text[body.end() :] if body else "", re.M)
    assert body and answer, "the README's statistics example is not where the test looks for it"
    printed = "".join(line.removeprefix("# ") for line in answer.group(1).splitlines())
    return json.loads(body.group(1))["query"], json.loads(printed)


class TestTheReadmesFigures:
    async def test_the_statistics_example_prints_what_the_demo_answers(self, seeded: Seeded) -> None:
        """The README's figures come from its own command, run against the demo `make up` seeds."""
        query, printed = readme_statistics_example()
        async with httpx.AsyncClient(timeout=30) as client:
            response = await client.post(
                f"{seeded.stack.url('gateway')}/graphql", json={"query": query}, headers=seeded.admin()
            )
        assert response.json()["data"] == printed["data"]


class TestFailure:
    async def test_a_failed_run_names_the_step_and_the_reason_and_the_stack_stays_up(self, seeded: Seeded) -> None:
        """Another seed's first record clashes with this one's key: the run stops with a readable block."""
        urls = {name: seeded.stack.url(name) for name in ("case", "resources", "volunteers")}
        with pytest.raises(SeedError) as caught:
            await seed_demo(urls, seeded.settings, show_progress=False, seed=SEED + 1, recipients=5)
        error = caught.value
        assert (error.step, error.status, error.code) == ("platforms (county_centre)", 422, "IDEMPOTENCY_KEY_REUSED")
        report = error.report()
        assert "platforms (county_centre)" in report and "该幂等键已用于另一个不同的请求" in report
        assert "wushe seed --demo" in report
        async with httpx.AsyncClient(timeout=10) as client:
            for name in urls:
                assert (await client.get(f"{seeded.stack.url(name)}/readyz")).status_code == 200


class TestNothingPersonalInLogsOrTraces:
    async def test_names_id_numbers_and_phones_never_reach_a_log_line_or_a_span(self, seeded: Seeded) -> None:
        """After seeding, a station searches by name and ID number and a client sends a GraphQL
        document with a name in it; no log line of any process and no exported span carries them."""
        person = seeded.plan.recipients[0].body
        station_key = seeded.plan.recipients[0].station_key
        stations = await seeded.all_items("case", "/v1/platforms", seeded.admin(), level="station")
        station = next(p for p in stations if p["region_code"] == seeded.plan.platform(station_key).region_code)
        headers = bearer(seeded.settings, "station_staff", platform_id=station["id"], region=station["region_code"])
        async with httpx.AsyncClient(timeout=30) as client:
            found = await client.get(
                f"{seeded.stack.url('case')}/v1/recipients",
                params={"name": person["name"], "id_number": person["id_number"], "phone": person["phone"] or ""},
                headers=headers,
            )
            assert found.status_code in (200, 422)
            typo = f'{{ recipients(first: 1, filter: {{nam: "{person["name"]}"}}) {{ nodes {{ name }} }} }}'
            await client.post(f"{seeded.stack.url('gateway')}/graphql", json={"query": typo}, headers=headers)
        await asyncio.sleep(6)  # the span exporters send in batches every five seconds
        secrets = {r.body["id_number"] for r in seeded.plan.recipients}
        secrets |= {r.body["phone"] for r in seeded.plan.recipients if r.body.get("phone")}
        secrets |= {r.body["name"] for r in seeded.plan.recipients if len(r.body["name"]) >= 3}
        secrets |= {v.body["id_number"] for v in seeded.plan.volunteers}
        assert seeded.stack.log_dir is not None
        logs = "\n".join(p.read_text(encoding="utf-8") for p in sorted(seeded.stack.log_dir.glob("*.log")))
        assert "wushe.access" in logs and seeded.spans, "the check needs logs and spans to look at"
        exported = b"".join(seeded.spans)
        assert [s for s in secrets if s in logs] == []
        assert [s for s in secrets if s.encode() in exported] == []


class TestNothingPersonalInTheDatabase:
    async def test_no_table_holds_a_recipients_id_number_phone_address_or_health_notes_in_clear(
        self, seeded: Seeded
    ) -> None:
        """Every row of every table of the three schemas, as JSON text, after the demo (two seeding
        runs, so replays too): no recipient's ID number, phone, address or health notes, no
        volunteer's ID number. Names stay in clear by design (staff search them)."""
        engine = create_engine(seeded.database_url, 1, 0)
        try:
            async with engine.connect() as connection:
                tables = (
                    await connection.execute(
                        text(
                            "SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = "
                            "'BASE TABLE' AND table_schema IN ('case', 'resources', 'volunteers') ORDER BY 1, 2"
                        )
                    )
                ).all()
                dumped: dict[str, str] = {}
                for schema, table in tables:
                    rows = await connection.execute(text(f'SELECT row_to_json(t)::text FROM "{schema}"."{table}" t'))
                    dumped[f"{schema}.{table}"] = "\n".join(row[0] for row in rows)
        finally:
            await engine.dispose()
        assert len(tables) >= 30 and dumped["case.recipients"].count("id_number_hash") == len(seeded.plan.recipients)
        people = [r.body for r in seeded.plan.recipients]
        secrets = {("id_number", p["id_number"]) for p in people}
        secrets |= {("phone", p["phone"]) for p in people if p.get("phone")}
        secrets |= {("address", p["address"]) for p in people if p.get("address")}
        secrets |= {("health_notes", p["health_notes"]) for p in people if p.get("health_notes")}
        secrets |= {("volunteer id_number", v.body["id_number"]) for v in seeded.plan.volunteers}
        found = sorted({(kind, table) for kind, value in secrets for table, rows in dumped.items() if value in rows})
        assert found == []
        # Names: in clear in case.recipients only (the design keeps them for search); a case's `summary`,
        # which the demo starts with the person's name, is encrypted. Staff and volunteers whose names
        # contain a recipient's are not counted.
        others = {s.name for s in seeded.plan.staff} | {v.body["name"] for v in seeded.plan.volunteers}
        names = {p["name"] for p in people if len(p["name"]) >= 3 and not any(p["name"] in o for o in others)}
        holding = {table for table, rows in dumped.items() if any(name in rows for name in names)}
        assert holding == {"case.recipients"}
