"""Care assignments, visits and hours through GraphQL alone (issue 18): the station reads who visits
which elder, the volunteer reads their own assignment with the address while it is active, each
visit and the hours are read back, refusals come back as their own members, and another station or
volunteer sees nothing."""

import uuid
from datetime import date, timedelta
from typing import Any

import pytest

from gateway.ids import from_global_id, to_global_id
from services.common.clock import clock, iso_utc
from services.common.settings import Settings
from tests.case.factories import make_id_number
from tests.e2e.test_gateway_case import _new_elder
from tests.e2e.world import World
from tests.support.auth import bearer
from tests.support.graphql import error_codes, gql

pytestmark = pytest.mark.e2e

REGISTER = """mutation($input: RegisterVolunteerInput!) { registerVolunteer(input: $input) {
  __typename ... on VolunteerRegistered { volunteer { id verification } } ... on InvalidInput { fields } } }"""
PUBLISH_CARE = """mutation($input: PublishNeedInput!) {
  publishNeed(input: $input) { ... on NeedPublished { need { id } } } }"""
ASSIGN = """mutation($need: ID!, $volunteer: ID!, $weekday: Int!, $key: String!) {
  assignVolunteer(input: {needId: $need, volunteerId: $volunteer, idempotencyKey: $key,
    schedule: {weekday: $weekday, start: "00:00", durationMinutes: 60}}) {
  __typename ... on VolunteerAssigned { assignmentId } } }"""
STAFF_ASSIGNMENTS = """query($v: ID!) { careAssignments(volunteerId: $v) { edges { node {
  id state addressMasked schedule { weekday start durationMinutes }
  volunteer { id name } need { id title } elder { name } } } } }"""
MINE = """query($state: CareAssignmentState) { myCareAssignments(state: $state) { nodes {
  id state visitAddress addressMasked schedule { durationMinutes } } } }"""
LOG = """mutation($a: ID!, $at: DateTime!, $done: Boolean!, $flags: [WellbeingFlag!]) {
  logCareVisit(assignmentId: $a, visitedAt: $at, done: $done, notes: "老人情绪低落", wellbeingFlags: $flags) {
  __typename ... on VisitLogged { visit { id outcome minutes hoursState wellbeingFlags } }
  ... on VolunteeringRefusal { code messageZh } ... on InvalidInput { fields } } }"""
VISITS = """query($a: ID!) { careVisits(assignmentId: $a) { nodes {
  id outcome notes wellbeingFlags hoursState volunteer { name } assignment { id elder { name } } } } }"""
APPROVE_VISIT = """mutation($v: ID!) { approveVisitHours(visitId: $v) {
  __typename ... on VisitHoursApproved { visit { hoursState } } ... on NoPendingHours { code } } }"""
HOURS = """query($v: ID!) { volunteerHours(volunteerId: $v) {
  totalMinutes totalHours pendingMinutes starLevel minutesToNextLevel minutesByKind { kind minutes } } }"""
CERTIFICATE = """query($v: ID!) { serviceCertificate(volunteerId: $v) {
  volunteerName regionCode issuedAt summary { totalMinutes starLevel } entries { id kind minutes hours }
  volunteer { id } } }"""
NODE = """query($id: ID!) { node(id: $id) { __typename id
  ... on CareAssignment { state volunteer { name } }
  ... on CareVisit { outcome } } }"""
END = """mutation($a: ID!) { endCareAssignment(assignmentId: $a) {
  __typename ... on AssignmentEnded { assignmentId state assignment { state addressMasked } }
  ... on AssignmentNotActive { code } } }"""


def _volunteer(world: World, n: int, name: str) -> str:
    """A volunteer of the world's station, registered through GraphQL (their own ID numbers)."""
    born = date(1991, 3, n)
    result = world.ok(
        REGISTER,
        {
            "input": {
                "platformId": world.station_gid(),
                "name": name,
                "phone": "13947000001",
                "idNumber": make_id_number("150781", born, 700 + n),
                "region": "150781001",
                "skills": ["COMPANIONSHIP"],
                "languages": ["MN", "ZH"],
            }
        },
        world.station(),
    )["registerVolunteer"]
    assert result["__typename"] == "VolunteerRegistered", result
    assert result["volunteer"]["verification"] == "PENDING"
    return str(result["volunteer"]["id"])


def _assigned(world: World, elder: int, volunteer: str, key: str) -> str:
    care = {"caseId": _new_elder(world, elder), "kind": "CARE", "title": "每周探访独居老人", "visitsPerMonth": 4,
            "visitMinutes": 60, "skills": ["COMPANIONSHIP"]}  # fmt: skip
    need = world.ok(PUBLISH_CARE, {"input": care}, world.station())["publishNeed"]["need"]
    weekday = clock.today().isoweekday()  # the assignment covers today, whatever day the suite runs
    assigned = world.ok(
        ASSIGN, {"need": need["id"], "volunteer": volunteer, "weekday": weekday, "key": key}, world.station()
    )["assignVolunteer"]
    assert assigned["__typename"] == "VolunteerAssigned", assigned
    return str(assigned["assignmentId"])


def _log(world: World, headers: dict[str, str], assignment: str, *, done: bool, **extra: Any) -> dict[str, Any]:
    variables = {"a": assignment, "at": iso_utc(clock.now()), "done": done, "flags": [], **extra}
    result: dict[str, Any] = world.ok(LOG, variables, headers)["logCareVisit"]
    return result


def test_care_assignment_visits_and_hours_read_back_through_graphql(world: World, settings: Settings) -> None:
    volunteer = _volunteer(world, 11, "乌兰托娅")
    assignment = _assigned(world, 171, volunteer, "graph-care-1")
    assert from_global_id(assignment)[0] == "CareAssignment"
    own = bearer(settings, "volunteer", volunteer_id=str(from_global_id(volunteer)[1]))

    # The station: who visits which elder, on which schedule.
    listed = world.ok(STAFF_ASSIGNMENTS, {"v": volunteer}, world.station())["careAssignments"]["edges"]
    assert [e["node"]["id"] for e in listed] == [assignment]
    node = listed[0]["node"]
    assert (node["state"], node["volunteer"], node["elder"]) == (
        "ACTIVE",
        {"id": volunteer, "name": "乌兰托娅"},
        {"name": "王秀171"},
    )
    assert node["need"]["title"] == "每周探访独居老人" and node["schedule"]["durationMinutes"] == 60

    # The volunteer: their own assignment, with the address, through GraphQL (not REST).
    mine = world.ok(MINE, {"state": "ACTIVE"}, own)["myCareAssignments"]["nodes"]
    assert [(m["id"], m["addressMasked"]) for m in mine] == [(assignment, False)]
    assert mine[0]["visitAddress"] and "*" not in mine[0]["visitAddress"]

    # Ids in are global ids: a raw UUID is refused, not accepted silently.
    raw = _log_raw(world, own, str(from_global_id(assignment)[1]))
    assert error_codes(raw) == ["BAD_USER_INPUT"], raw

    missed = _log(world, own, assignment, done=False, flags=["LOW_MOOD"])
    assert missed["__typename"] == "VisitLogged", missed
    assert (missed["visit"]["outcome"], missed["visit"]["wellbeingFlags"]) == ("MISSED", ["LOW_MOOD"])
    done = _log(world, own, assignment, done=True)
    assert (done["visit"]["minutes"], done["visit"]["hoursState"]) == (60, "PENDING")
    early = _log(world, own, assignment, done=True, at=iso_utc(clock.now() - timedelta(days=10)))
    assert early["__typename"] == "VisitOutsideAssignment" and early["code"] == "VISIT_OUTSIDE_ASSIGNMENT", early

    visits = world.ok(VISITS, {"a": assignment}, world.station())["careVisits"]["nodes"]
    assert {v["id"] for v in visits} == {missed["visit"]["id"], done["visit"]["id"]}
    flagged = next(v for v in visits if v["id"] == missed["visit"]["id"])
    assert flagged["volunteer"] == {"name": "乌兰托娅"} and flagged["notes"] == "老人情绪低落"
    assert flagged["assignment"] == {"id": assignment, "elder": {"name": "王秀171"}}
    assert world.ok(NODE, {"id": done["visit"]["id"]}, own)["node"] == {
        "__typename": "CareVisit",
        "id": done["visit"]["id"],
        "outcome": "DONE",
    }

    hours = world.ok(HOURS, {"v": volunteer}, own)["volunteerHours"]
    assert (hours["totalMinutes"], hours["pendingMinutes"]) == (0, 60)
    approved = world.ok(APPROVE_VISIT, {"v": done["visit"]["id"]}, world.station())["approveVisitHours"]
    assert approved == {"__typename": "VisitHoursApproved", "visit": {"hoursState": "APPROVED"}}
    hours = world.ok(HOURS, {"v": volunteer}, own)["volunteerHours"]
    assert hours == {
        "totalMinutes": 60,
        "totalHours": "1.00",
        "pendingMinutes": 0,
        "starLevel": 0,
        "minutesToNextLevel": 100 * 60 - 60,
        "minutesByKind": [{"kind": "CARE_VISIT", "minutes": 60}],
    }
    certificate = world.ok(CERTIFICATE, {"v": volunteer}, world.station())["serviceCertificate"]
    assert certificate["volunteerName"] == "乌兰托娅" and certificate["volunteer"] == {"id": volunteer}
    assert certificate["summary"] == {"totalMinutes": 60, "starLevel": 0}
    [entry] = certificate["entries"]
    assert (entry["kind"], entry["minutes"], entry["hours"]) == ("CARE_VISIT", 60, "1.00")
    by_node = world.ok("query($id: ID!) { node(id: $id) { ... on HoursEntry { minutes } } }", {"id": entry["id"]}, own)
    assert by_node["node"] == {"minutes": 60}

    _nothing_for_others(world, settings, volunteer, assignment, done["visit"]["id"])

    # Ending it: the volunteer no longer sees the address; a second end and a late visit are refused.
    ended = world.ok(END, {"a": assignment}, world.station())["endCareAssignment"]
    assert ended == {
        "__typename": "AssignmentEnded",
        "assignmentId": assignment,
        "state": "ENDED",
        "assignment": {"state": "ENDED", "addressMasked": False},  # the station still sees it
    }
    assert world.ok(END, {"a": assignment}, world.station())["endCareAssignment"] == {
        "__typename": "AssignmentNotActive",
        "code": "ASSIGNMENT_ENDED",
    }
    late = _log(world, own, assignment, done=True)
    assert late["__typename"] == "AssignmentNotActive" and late["messageZh"], late
    mine = world.ok(MINE, {"state": "ENDED"}, own)["myCareAssignments"]["nodes"]
    assert [(m["id"], m["addressMasked"]) for m in mine] == [(assignment, True)]
    assert world.ok(MINE, {"state": "ACTIVE"}, own)["myCareAssignments"]["nodes"] == []


def _log_raw(world: World, headers: dict[str, str], raw_id: str) -> dict[str, Any]:
    return gql(world.stack, LOG, {"a": raw_id, "at": iso_utc(clock.now()), "done": True}, headers)


def _nothing_for_others(world: World, settings: Settings, volunteer: str, assignment: str, visit: str) -> None:
    """Another station and another volunteer read none of it: empty lists, null nodes and hours."""
    other_station = bearer(settings, "station_staff", platform_id=uuid.uuid4(), region="150781")
    other_volunteer = bearer(settings, "volunteer", volunteer_id=uuid.uuid4())
    for headers in (other_station, other_volunteer):
        assert world.ok(NODE, {"id": assignment}, headers)["node"] is None
        assert world.ok(NODE, {"id": visit}, headers)["node"] is None
        assert world.ok(HOURS, {"v": volunteer}, headers)["volunteerHours"] is None
        assert world.ok(CERTIFICATE, {"v": volunteer}, headers)["serviceCertificate"] is None
        assert world.ok(VISITS, {"a": assignment}, headers)["careVisits"]["nodes"] == []
    listed = world.ok(STAFF_ASSIGNMENTS, {"v": volunteer}, other_station)["careAssignments"]["edges"]
    assert listed == []
    assert world.ok(MINE, {}, other_volunteer)["myCareAssignments"]["nodes"] == []
    assert to_global_id("CareAssignment", from_global_id(assignment)[1]) == assignment
