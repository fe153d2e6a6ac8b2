"""Volunteers through the gateway, linkage statistics, and partial data when a service is down."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from services.common.settings import Settings
from tests.case.factories import make_id_number
from tests.e2e.world import World
from tests.support.auth import bearer
from tests.support.graphql import error_codes, gql

pytestmark = pytest.mark.e2e

REGISTER = """mutation($input: RegisterVolunteerInput!) { registerVolunteer(input: $input) {
  __typename ... on VolunteerRegistered { volunteer { id name languages } } ... on InvalidInput { message fields } } }"""
CREATE_ACTIVITY = """mutation($input: CreateActivityInput!) { createActivity(input: $input) {
  __typename ... on ActivityCreated { activity { id capacity } } ... on InvalidInput { message fields } } }"""
SIGN_UP = """mutation($a: ID!, $v: ID) { signUp(activityId: $a, volunteerId: $v) {
  __typename ... on SignedUp { signUp { id status sequence } } ... on Waitlisted { signUp { id status sequence } }
  ... on VolunteeringRefusal { code message } } }"""
STATS = """query($start: DateTime!, $end: DateTime!) { linkageStats(regionCode: "1507", start: $start, end: $end) {
  caseSide { platforms { countyCentres stations } socialWorkers needs { kind published } }
  volunteerSide { activitiesHeld volunteerPersonTimes } } }"""
MIXED = """query($start: DateTime!, $end: DateTime!) {
  platforms { edges { node { name } } }
  volunteers { edges { node { name } } }
  linkageStats(regionCode: "150781001", start: $start, end: $end) { caseSide { socialWorkers } volunteerSide { activitiesHeld } } }"""


def _window() -> dict[str, str]:
    now = datetime.now(UTC)
    return {"start": (now - timedelta(days=365)).isoformat(), "end": (now + timedelta(days=365)).isoformat()}


def _register(world: World, n: int) -> str:
    body = world.ok(
        REGISTER,
        {
            "input": {
                "platformId": world.station_gid(),
                "name": f"巴雅尔{n}",
                "phone": "13947000000",
                "idNumber": make_id_number("150781", datetime(1990, 1, 1 + n).date(), 500 + n),
                "region": "150781001",
                "skills": ["COMPANIONSHIP"],
                "languages": ["MN", "ZH"],
                "availability": [{"weekday": 2, "start": "14:00", "end": "18:00"}],
                "maxHoursPerWeek": 6,
            }
        },
        world.station(),
    )
    result = body["registerVolunteer"]
    assert result["__typename"] == "VolunteerRegistered", result
    return str(result["volunteer"]["id"])


def test_register_sign_up_and_count(world: World) -> None:
    volunteers = [_register(world, n) for n in (1, 2)]
    starts = datetime.now(UTC) + timedelta(days=3)
    activity = world.ok(
        CREATE_ACTIVITY,
        {
            "input": {
                "title": "重阳节敬老探访",
                "organiserKind": "PLATFORM",
                "platformId": world.station_gid(),
                "place": "东山社区",
                "region": "150781001",
                "startsAt": starts.isoformat(),
                "endsAt": (starts + timedelta(hours=2)).isoformat(),
                "capacity": 1,
            }
        },
        world.station(),
    )["createActivity"]
    assert activity["__typename"] == "ActivityCreated", activity
    statuses = [
        world.ok(SIGN_UP, {"a": activity["activity"]["id"], "v": v}, world.station())["signUp"] for v in volunteers
    ]
    assert [(s["__typename"], s["signUp"]["status"]) for s in statuses] == [
        ("SignedUp", "CONFIRMED"),
        ("Waitlisted", "WAITING"),
    ]
    cancel = """mutation($id: ID!) { cancelSignUp(signUpId: $id) { ... on SignUpChanged { signUp { status } } } }"""
    assert (
        world.ok(cancel, {"id": statuses[0]["signUp"]["id"]}, world.station())["cancelSignUp"]["signUp"]["status"]
        == "CANCELLED"
    )
    promoted = world.ok(
        "query($id: ID!) { node(id: $id) { ... on SignUp { status } } }",
        {"id": statuses[1]["signUp"]["id"]},
        world.station(),
    )["node"]
    assert promoted == {"status": "CONFIRMED"}  # the first on the waiting list moved up
    listed = world.ok(
        "{ volunteers(filter: {language: MN}) { edges { node { name languages } } } }", {}, world.station()
    )
    assert {e["node"]["name"] for e in listed["volunteers"]["edges"]} >= {"巴雅尔1", "巴雅尔2"}
    stats = world.ok(STATS, _window(), world.admin)["linkageStats"]
    # Other tests may add platforms to the region (in any order): the figure is what the region has.
    listed_platforms = world.ok(
        '{ platforms(first: 100, region: "1507") { edges { node { level } } } }', {}, world.admin
    )["platforms"]["edges"]
    levels = [e["node"]["level"] for e in listed_platforms]
    assert stats["caseSide"]["platforms"] == {
        "countyCentres": levels.count("COUNTY_CENTRE"),
        "stations": levels.count("STATION"),
    }
    assert levels.count("STATION") >= 1
    assert stats["volunteerSide"]["activitiesHeld"] >= 0


def test_app_client_may_not_list_volunteers(world: World, settings: Settings) -> None:
    app = bearer(settings, "app_client", scopes=["wishes:read", "activities:read"])
    assert error_codes(gql(world.stack, "{ volunteers { edges { node { name } } } }", headers=app)) == ["FORBIDDEN"]
    assert "errors" not in gql(world.stack, "{ activities { edges { node { title } } } }", headers=app)


def test_stopped_volunteers_service_gives_partial_data_and_recovers(world: World, tmp_path: Path) -> None:
    stack = world.stack
    stack.stop_process("volunteers")
    try:
        body = gql(stack, MIXED, _window(), world.station())
        assert body["data"]["platforms"]["edges"], body
        assert body["data"]["volunteers"] is None
        assert body["data"]["linkageStats"]["caseSide"] is not None
        assert body["data"]["linkageStats"]["volunteerSide"] is None
        assert set(error_codes(body)) == {"UPSTREAM_UNAVAILABLE"}
        assert all(e["extensions"]["service"] == "volunteers" for e in body["errors"])
    finally:
        stack.start_process("volunteers", tmp_path, {"WUSHE_ENVIRONMENT": "test"})
        stack.wait_ready(60)
    recovered = gql(stack, MIXED, _window(), world.station())
    assert "errors" not in recovered and recovered["data"]["volunteers"] is not None


def test_linkage_stats_for_a_region_outside_the_callers_scope_is_refused(world: World) -> None:
    """Exactly the region asked or nothing (issue 17): a county admin asking for the league above, or
    another county, gets REGION_OUT_OF_SCOPE, not figures clipped to their county or another's."""
    county_admin = bearer(world.settings, "civil_affairs_admin", region="152921")
    for region in ("1529", "150781"):
        query = (
            f'{{ linkageStats(regionCode: "{region}") {{ fundSide {{ fundsRaised }} caseSide {{ socialWorkers }} }} }}'
        )
        body = gql(world.stack, query, headers=county_admin)
        assert error_codes(body) == ["REGION_OUT_OF_SCOPE"], body
        assert body["data"] is None
