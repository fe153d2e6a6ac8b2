"""Hours through the gateway (issue 17): a care visit's minutes approved, correction requests filed,
listed, approved and refused, as REST already allowed."""

from gateway.ids import from_global_id, to_global_id
from services.common.clock import clock, iso_utc
from services.common.settings import Settings
from tests.e2e.test_gateway_case import _new_elder
from tests.e2e.world import World
from tests.support.auth import bearer

PUBLISH_CARE = """mutation($input: PublishNeedInput!) {
  publishNeed(input: $input) { ... on NeedPublished { need { id } } } }"""
CONFIRM = """mutation($need: ID!, $volunteer: ID!, $weekday: Int!) { assignVolunteer(input: {needId: $need, volunteerId: $volunteer,
  idempotencyKey: "care-hours-1", schedule: {weekday: $weekday, start: "00:00", durationMinutes: 60}}) {
  __typename ... on VolunteerAssigned { assignmentId } } }"""
LOG = """mutation($a: ID!, $at: DateTime!) { logCareVisit(assignmentId: $a, visitedAt: $at, done: true) {
  __typename ... on VisitLogged { visit { id minutes hoursState } } } }"""
APPROVE_VISIT = """mutation($v: ID!) { approveVisitHours(visitId: $v) {
  __typename ... on VisitHoursApproved { visit { hoursState } } ... on NoPendingHours { code } } }"""
REQUEST = """mutation($v: ID!, $m: Int!, $r: String!) { requestHoursCorrection(volunteerId: $v, minutes: $m, reason: $r) {
  __typename ... on HoursCorrectionChanged { request { id state minutes } } ... on InvalidInput { fields } } }"""
APPROVE = """mutation($id: ID!) { approveHoursCorrection(requestId: $id) {
  __typename ... on HoursCorrectionChanged { request { state } } ... on Conflict { code } } }"""
REFUSE = """mutation($id: ID!, $note: String) { refuseHoursCorrection(requestId: $id, note: $note) {
  __typename ... on HoursCorrectionChanged { request { state decisionNote } } } }"""
LIST = """query($v: ID!) { hoursCorrectionRequests(volunteerId: $v) { minutes reason state } }"""


def test_visit_hours_and_corrections_through_the_gateway(world: World, settings: Settings) -> None:
    from tests.e2e.test_gateway_volunteers import _register

    case_id = _new_elder(world, 93)
    care = {"caseId": case_id, "kind": "CARE", "title": "每周陪诊", "visitsPerMonth": 4, "visitMinutes": 60,
            "skills": ["COMPANIONSHIP"]}  # fmt: skip
    need = world.ok(PUBLISH_CARE, {"input": care}, world.station())["publishNeed"]["need"]
    volunteer = _register(world, 18)
    weekday = clock.today().isoweekday()  # the assignment covers today, whatever day the suite runs
    confirmed = world.ok(CONFIRM, {"need": need["id"], "volunteer": volunteer, "weekday": weekday}, world.station())
    assignment_id = confirmed["assignVolunteer"]["assignmentId"]
    volunteer_token = bearer(settings, "volunteer", volunteer_id=str(from_global_id(volunteer)[1]))

    logged = world.ok(LOG, {"a": assignment_id, "at": iso_utc(clock.now())}, volunteer_token)["logCareVisit"]
    assert logged["__typename"] == "VisitLogged", logged
    assert logged["visit"]["hoursState"] == "PENDING"
    approved = world.ok(APPROVE_VISIT, {"v": logged["visit"]["id"]}, world.station())["approveVisitHours"]
    assert approved == {"__typename": "VisitHoursApproved", "visit": {"hoursState": "APPROVED"}}
    again = world.ok(APPROVE_VISIT, {"v": logged["visit"]["id"]}, world.station())["approveVisitHours"]
    assert again == {"__typename": "NoPendingHours", "code": "NO_PENDING_HOURS"}

    filed = world.ok(REQUEST, {"v": volunteer, "m": 30, "r": "签到表漏记半小时"}, volunteer_token)
    request = filed["requestHoursCorrection"]["request"]
    assert (request["state"], request["minutes"]) == ("REQUESTED", 30)
    other = world.ok(REQUEST, {"v": volunteer, "m": -15, "r": "多记了一刻钟"}, volunteer_token)
    other_id = other["requestHoursCorrection"]["request"]["id"]
    assert from_global_id(request["id"])[0] == "HoursCorrectionRequest"
    node = "query($id: ID!) { node(id: $id) { ... on HoursCorrectionRequest { minutes state } } }"
    assert world.ok(node, {"id": request["id"]}, world.station())["node"] == {"minutes": 30, "state": "REQUESTED"}
    decided = world.ok(APPROVE, {"id": request["id"]}, world.station())["approveHoursCorrection"]
    assert decided == {"__typename": "HoursCorrectionChanged", "request": {"state": "APPROVED"}}
    refused = world.ok(REFUSE, {"id": other_id, "note": "核对签到表无误"}, world.station())["refuseHoursCorrection"]
    assert refused["request"] == {"state": "REFUSED", "decisionNote": "核对签到表无误"}
    listed = world.ok(LIST, {"v": volunteer}, volunteer_token)["hoursCorrectionRequests"]
    assert sorted((r["minutes"], r["state"]) for r in listed) == [(-15, "REFUSED"), (30, "APPROVED")]
    assert to_global_id("Volunteer", from_global_id(volunteer)[1]) == volunteer
