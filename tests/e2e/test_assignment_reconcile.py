"""A care assignment whose need was cancelled behind its back ends by itself (the volunteers
reconciler, services/volunteers/assignments/reconcile.py): the volunteer stops seeing the address."""

import time

import pytest

from gateway.ids import from_global_id
from services.common.settings import Settings
from tests.e2e.test_case_closing import PUBLISH_CARE
from tests.e2e.test_gateway_case import _new_elder
from tests.e2e.test_linking import CARE_CONFIRM
from tests.e2e.world import World
from tests.support.auth import bearer

pytestmark = pytest.mark.e2e

CANCEL = """mutation($id: ID!) { cancelNeed(needId: $id, reason: "老人已入住养老院") { __typename
  ... on NeedChanged { need { state } } ... on Conflict { code message } } }"""
ASSIGNMENT = """query($id: ID!) { node(id: $id) { ... on CareAssignment { state } } }"""
MINE = """{ myCareAssignments { edges { node { id state addressMasked visitAddress } } } }"""


def test_an_assignment_whose_need_was_cancelled_is_ended_by_the_reconciler(world: World, settings: Settings) -> None:
    from tests.e2e.test_gateway_volunteers import _register

    case_id = _new_elder(world, 94)
    care = {"caseId": case_id, "kind": "CARE", "title": "每周读报", "visitsPerMonth": 4, "visitMinutes": 60,
            "skills": ["COMPANIONSHIP"]}  # fmt: skip
    need = world.ok(PUBLISH_CARE, {"input": care}, world.station())["publishNeed"]["need"]
    volunteer = _register(world, 19)
    assigned = world.ok(
        CARE_CONFIRM.replace("care-1", "care-reconcile-1"),
        {"need": need["id"], "volunteer": volunteer},
        world.station(),
    )["assignVolunteer"]
    assignment_id = assigned["assignmentId"]
    volunteer_token = bearer(settings, "volunteer", volunteer_id=str(from_global_id(volunteer)[1]), region="150781")
    mine = {e["node"]["id"]: e["node"] for e in world.ok(MINE, {}, volunteer_token)["myCareAssignments"]["edges"]}
    assert mine[assignment_id]["addressMasked"] is False

    # cancelNeed changes only the case service: the assignment is left active, as a gateway that
    # died in the middle of closing a case would leave it.
    cancelled = world.ok(CANCEL, {"id": need["id"]}, world.station())["cancelNeed"]
    assert cancelled == {"__typename": "NeedChanged", "need": {"state": "CANCELLED"}}, cancelled
    deadline = time.monotonic() + 30  # the suite's reconciler: every second, for assignments older than 5 s
    while world.ok(ASSIGNMENT, {"id": assignment_id}, world.station())["node"]["state"] != "ENDED":
        assert time.monotonic() < deadline, "the reconciler did not end the assignment"
        time.sleep(0.5)
    mine = {e["node"]["id"]: e["node"] for e in world.ok(MINE, {}, volunteer_token)["myCareAssignments"]["edges"]}
    assert mine[assignment_id]["state"] == "ENDED" and mine[assignment_id]["addressMasked"] is True
    assert "（" in mine[assignment_id]["visitAddress"] or "*" in mine[assignment_id]["visitAddress"]


def test_the_reconciler_keeps_assignments_whose_need_still_names_one() -> None:
    from services.volunteers.assignments.reconcile import names_an_assignment

    assert names_an_assignment({"state": "matched", "matched_reference": "assignment:key-1"})
    assert names_an_assignment({"state": "pending", "pending_reference": "assignment:key-2"})
    assert not names_an_assignment({"state": "cancelled", "matched_reference": "assignment:key-1"})
    assert not names_an_assignment({"state": "open", "matched_reference": None})
    assert not names_an_assignment({"state": "matched", "matched_reference": "hold:abc"})
