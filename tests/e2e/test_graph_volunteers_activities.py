"""Activities with their sign-ups and waiting list, attendance and teams through GraphQL (issue 18):
a full activity waitlists (a success, not an error), each refusal a client acts on comes back as
its own member, and another station sees none of the sign-ups or teams."""

import uuid
from datetime import timedelta
from typing import Any

import pytest

from gateway.ids import from_global_id
from services.common.clock import clock, iso_utc
from services.common.settings import Settings
from tests.e2e.test_graph_volunteers_care import HOURS, _volunteer
from tests.e2e.world import World
from tests.support.auth import bearer
from tests.support.graphql import error_codes, gql

pytestmark = pytest.mark.e2e

CREATE = """mutation($input: CreateActivityInput!) { createActivity(input: $input) {
  __typename ... on ActivityCreated { activity { id organiserKind state } }
  ... on InvalidInput { code fields errors { field message messageZh } } } }"""
SIGN_UP = """mutation($a: ID!, $v: ID) { signUp(activityId: $a, volunteerId: $v) {
  __typename ... on SignedUp { signUp { id status } } ... on Waitlisted { signUp { id status sequence } }
  ... on MissingSkills { missingSkills } ... on VolunteeringRefusal { code message messageZh } } }"""
ACTIVITY = """query($id: ID!) { node(id: $id) { ... on Activity { title confirmedCount
  signUps { nodes { id status volunteer { name } activity { title } } }
  waitingList { sequence volunteer { name } } } } }"""
CHECK_IN = """mutation($s: ID!, $at: DateTime) { checkIn(signUpId: $s, at: $at) {
  __typename ... on SignUpChanged { signUp { checkedInAt } } ... on VolunteeringRefusal { code } } }"""
CHECK_OUT = """mutation($s: ID!, $at: DateTime) { checkOut(signUpId: $s, at: $at) {
  __typename ... on SignUpChanged { signUp { minutes hoursState } } ... on VolunteeringRefusal { code } } }"""
APPROVE = """mutation($s: ID!) { approveHours(signUpId: $s) {
  __typename ... on SignUpChanged { signUp { hoursState } } ... on VolunteeringRefusal { code } } }"""
VERIFY = """mutation($v: ID!) { verifyVolunteer(volunteerId: $v, verified: false) {
  __typename ... on VolunteerChanged { volunteer { verification } } } }"""
TEAMS = """{ teams { nodes { id name regionCode platform { name } members { isLeader volunteer { name } } } } }"""


def _activity(world: World, title: str, starts_in: timedelta, capacity: int) -> str:
    starts = clock.now() + starts_in
    created = world.ok(
        CREATE,
        {
            "input": {
                "title": title,
                "organiserKind": "PLATFORM",
                "platformId": world.station_gid(),
                "place": "东山社区活动室",
                "region": "150781001",
                "startsAt": iso_utc(starts),
                "endsAt": iso_utc(starts + timedelta(hours=2)),
                "capacity": capacity,
                "requiredSkills": ["COMPANIONSHIP"],
            }
        },
        world.station(),
    )["createActivity"]
    assert created["__typename"] == "ActivityCreated", created
    assert (created["activity"]["organiserKind"], created["activity"]["state"]) == ("PLATFORM", "SCHEDULED")
    return str(created["activity"]["id"])


def _sign_up(world: World, activity: str, volunteer: str) -> dict[str, Any]:
    result: dict[str, Any] = world.ok(SIGN_UP, {"a": activity, "v": volunteer}, world.station())["signUp"]
    return result


def test_sign_ups_waiting_list_and_refusals(world: World, settings: Settings) -> None:
    first, second, rejected = (_volunteer(world, n, name) for n, name in ((12, "其其格"), (13, "敖登"), (14, "苏和")))
    activity = _activity(world, "敬老院包饺子", timedelta(days=3), capacity=1)

    confirmed = _sign_up(world, activity, first)
    waiting = _sign_up(world, activity, second)
    assert (confirmed["__typename"], confirmed["signUp"]["status"]) == ("SignedUp", "CONFIRMED")
    assert (waiting["__typename"], waiting["signUp"]["status"]) == ("Waitlisted", "WAITING")
    again = _sign_up(world, activity, first)
    assert (again["__typename"], again["code"]) == ("AlreadySignedUp", "ALREADY_SIGNED_UP")
    world.ok(VERIFY, {"v": rejected}, world.station())
    refused = _sign_up(world, activity, rejected)
    assert (refused["__typename"], refused["code"]) == ("VolunteerRejected", "VOLUNTEER_REJECTED"), refused

    listed = world.ok(ACTIVITY, {"id": activity}, world.station())["node"]
    assert listed["confirmedCount"] == 1
    assert sorted((s["status"], s["volunteer"]["name"]) for s in listed["signUps"]["nodes"]) == [
        ("CONFIRMED", "其其格"),
        ("WAITING", "敖登"),
    ]
    assert {s["activity"]["title"] for s in listed["signUps"]["nodes"]} == {"敬老院包饺子"}
    assert listed["waitingList"] == [{"sequence": waiting["signUp"]["sequence"], "volunteer": {"name": "敖登"}}]

    # One more place, on the version read: the first waiting is promoted; the old version is stale.
    grow = """mutation($a: ID!, $v: Int!) { updateActivity(activityId: $a, version: $v, input: {capacity: 2}) {
      __typename ... on ActivityUpdated { activity { capacity confirmedCount version } } } }"""
    version = world.ok("query($id: ID!) { node(id: $id) { ... on Activity { version } } }", {"id": activity},
                       world.station())["node"]["version"]  # fmt: skip
    grown = world.ok(grow, {"a": activity, "v": version}, world.station())["updateActivity"]
    assert grown["activity"]["capacity"] == 2 and grown["activity"]["confirmedCount"] == 2, grown
    assert world.ok(grow, {"a": activity, "v": version}, world.station())["updateActivity"] == {
        "__typename": "StaleVersion"
    }
    assert world.ok(ACTIVITY, {"id": activity}, world.station())["node"]["waitingList"] == []

    # The volunteer changes their own profile and reads it back.
    profile = """mutation($id: ID!, $v: Int!) { updateVolunteer(volunteerId: $id, version: $v,
      input: {languages: [MN], availability: [{weekday: 6, start: "09:00", end: "12:00"}]}) {
      __typename ... on VolunteerUpdated { volunteer { languages availability { weekday start end } } } } }"""
    own = bearer(settings, "volunteer", volunteer_id=str(from_global_id(first)[1]))
    read = "query($id: ID!) { node(id: $id) { ... on Volunteer { version } } }"
    mine_version = world.ok(read, {"id": first}, own)["node"]["version"]
    changed = world.ok(profile, {"id": first, "v": mine_version}, own)["updateVolunteer"]
    assert changed == {
        "__typename": "VolunteerUpdated",
        "volunteer": {"languages": ["MN"], "availability": [{"weekday": 6, "start": "09:00", "end": "12:00"}]},
    }

    # Attendance refused as what it is: not yet open, not checked in, nothing to approve.
    sign_up = confirmed["signUp"]["id"]
    assert world.ok(CHECK_IN, {"s": sign_up}, world.station())["checkIn"] == {
        "__typename": "AttendanceWindowClosed",
        "code": "ATTENDANCE_WINDOW_CLOSED",
    }
    assert world.ok(CHECK_OUT, {"s": sign_up}, world.station())["checkOut"]["__typename"] == "NotCheckedIn"
    assert world.ok(APPROVE, {"s": sign_up}, world.station())["approveHours"]["__typename"] == "NoPendingHours"

    # Another station reads none of the sign-ups (the public activity itself it may see).
    other = bearer(settings, "station_staff", platform_id=uuid.uuid4(), region="150781")
    assert world.ok(ACTIVITY, {"id": activity}, other)["node"]["signUps"]["nodes"] == []
    for s in (confirmed, waiting):
        assert world.ok("query($id: ID!) { node(id: $id) { id } }", {"id": s["signUp"]["id"]}, other)["node"] is None
    assert world.ok("query($v: ID!) { signUps(volunteerId: $v) { nodes { id } } }", {"v": first}, other) == {
        "signUps": {"nodes": []}
    }
    mine = bearer(settings, "volunteer", volunteer_id=str(from_global_id(first)[1]))
    assert world.ok("{ signUps { nodes { id status } } }", {}, mine)["signUps"]["nodes"] == [
        {"id": sign_up, "status": "CONFIRMED"}
    ]


def test_attendance_hours_and_a_skill_the_volunteer_lacks(world: World, settings: Settings) -> None:
    volunteer = _volunteer(world, 15, "额尔敦")
    activity = _activity(world, "社区义诊", timedelta(minutes=-30), capacity=5)
    sign_up = _sign_up(world, activity, volunteer)["signUp"]["id"]
    checked_in = world.ok(CHECK_IN, {"s": sign_up, "at": iso_utc(clock.now() - timedelta(minutes=20))}, world.station())
    assert checked_in["checkIn"]["__typename"] == "SignUpChanged", checked_in
    before = world.ok(CHECK_OUT, {"s": sign_up, "at": iso_utc(clock.now() - timedelta(minutes=25))}, world.station())
    assert before["checkOut"] == {"__typename": "CheckOutBeforeCheckIn", "code": "CHECK_OUT_BEFORE_CHECK_IN"}
    out = world.ok(CHECK_OUT, {"s": sign_up, "at": iso_utc(clock.now() - timedelta(minutes=5))}, world.station())
    assert out["checkOut"] == {"__typename": "SignUpChanged", "signUp": {"minutes": 15, "hoursState": "PENDING"}}
    assert world.ok(HOURS, {"v": volunteer}, world.station())["volunteerHours"]["pendingMinutes"] == 15
    approved = world.ok(APPROVE, {"s": sign_up}, world.station())["approveHours"]
    assert approved == {"__typename": "SignUpChanged", "signUp": {"hoursState": "APPROVED"}}
    hours = world.ok(HOURS, {"v": volunteer}, world.station())["volunteerHours"]
    assert (hours["totalMinutes"], hours["minutesByKind"]) == (15, [{"kind": "ACTIVITY", "minutes": 15}])

    # Held: recorded only once it is over, with who took part.
    complete = """mutation($a: ID!) { completeActivity(activityId: $a, beneficiaries: 12, donorParticipants: 2) {
      __typename ... on ActivityChanged { activity { state beneficiaries donorParticipants } }
      ... on VolunteeringRefusal { code } } }"""
    assert world.ok(complete, {"a": activity}, world.station())["completeActivity"] == {
        "__typename": "ActivityNotOver",
        "code": "ACTIVITY_NOT_OVER",
    }
    held = _activity(world, "重阳节茶话会", timedelta(hours=-3), capacity=5)
    assert world.ok(complete, {"a": held}, world.station())["completeActivity"] == {
        "__typename": "ActivityChanged",
        "activity": {"state": "COMPLETED", "beneficiaries": 12, "donorParticipants": 2},
    }

    # A sign-up beyond the volunteer's skills names what is missing.
    registered = world.ok(
        """mutation($input: RegisterVolunteerInput!) { registerVolunteer(input: $input) {
          ... on VolunteerRegistered { volunteer { id } } } }""",
        {"input": _without_skills(world)},
        world.station(),
    )
    lacking = _sign_up(world, activity, registered["registerVolunteer"]["volunteer"]["id"])
    assert lacking["__typename"] == "MissingSkills" and lacking["missingSkills"] == ["COMPANIONSHIP"], lacking

    # A bad input is refused field by field, in both languages, before anything is sent.
    invalid = gql(
        world.stack,
        CREATE,
        {"input": {"title": "x", "organiserKind": "TEAM", "place": "p", "region": "150781001", "capacity": 0,
                   "startsAt": iso_utc(clock.now()), "endsAt": iso_utc(clock.now() + timedelta(hours=1))}},
        world.station(),
    )  # fmt: skip
    result = invalid["data"]["createActivity"]
    assert result["__typename"] == "InvalidInput" and "capacity" in result["fields"], result
    assert all(e["messageZh"] for e in result["errors"])


def _without_skills(world: World) -> dict[str, Any]:
    from datetime import date

    from tests.case.factories import make_id_number

    return {
        "platformId": world.station_gid(),
        "name": "图雅",
        "phone": "13947000002",
        "idNumber": make_id_number("150781", date(1992, 4, 16), 716),
        "region": "150781001",
    }


CREATE_TEAM = """mutation($input: CreateTeamInput!) { createTeam(input: $input) {
  __typename ... on TeamCreated { team { id name } } ... on InvalidInput { fields } } }"""
ADD_MEMBER = """mutation($t: ID!, $v: ID!) { addTeamMember(teamId: $t, volunteerId: $v, isLeader: true) {
  __typename ... on TeamMemberAdded { member { isLeader } team { name } } ... on Conflict { code } } }"""


def test_teams_with_their_members_and_nothing_for_another_station(world: World, settings: Settings) -> None:
    leader = _volunteer(world, 17, "巴特尔")
    created = world.ok(
        CREATE_TEAM,
        {"input": {"name": "东山蒙古语志愿服务队", "platformId": world.station_gid(), "region": "150781001"}},
        world.station(),
    )["createTeam"]
    assert created["__typename"] == "TeamCreated", created
    team_id = created["team"]["id"]
    added = world.ok(ADD_MEMBER, {"t": team_id, "v": leader}, world.station())["addTeamMember"]
    assert added == {
        "__typename": "TeamMemberAdded",
        "member": {"isLeader": True},
        "team": {"name": "东山蒙古语志愿服务队"},
    }
    again = world.ok(ADD_MEMBER, {"t": team_id, "v": leader}, world.station())["addTeamMember"]
    assert again["__typename"] == "Conflict"
    neither = {"input": {"name": "无主队伍", "region": "150781001"}}
    assert world.ok(CREATE_TEAM, neither, world.station())["createTeam"]["__typename"] == "InvalidInput"

    teams = world.ok(TEAMS, {}, world.station())["teams"]["nodes"]
    team = next(t for t in teams if t["id"] == team_id)
    assert from_global_id(team["id"])[0] == "Team"
    assert team["members"] == [{"isLeader": True, "volunteer": {"name": "巴特尔"}}]
    assert team["platform"] == {"name": "东山街道社工站"}
    by_node = world.ok("query($id: ID!) { node(id: $id) { ... on Team { name } } }", {"id": team_id}, world.station())
    assert by_node["node"] == {"name": "东山蒙古语志愿服务队"}

    other = bearer(settings, "station_staff", platform_id=uuid.uuid4(), region="150781")
    assert world.ok(TEAMS, {}, other)["teams"]["nodes"] == []
    assert world.ok("query($id: ID!) { node(id: $id) { id } }", {"id": team_id}, other)["node"] is None
    assert error_codes(gql(world.stack, TEAMS, {}, bearer(settings, "app_client", scopes=["wishes:read"]))) == [
        "FORBIDDEN"
    ]
