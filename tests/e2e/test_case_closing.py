"""Closing a case through the gateway decides its open needs and ends their care assignments (issue 17)."""

import httpx

from services.common.settings import Settings
from tests.e2e.test_gateway_case import _new_elder
from tests.e2e.test_linking import CARE_CONFIRM
from tests.e2e.world import World
from tests.support.auth import bearer

CLOSE = """mutation($id: ID!, $needs: [NeedDecisionInput!]) {
  advanceCase(caseId: $id, toState: CLOSED, needs: $needs) {
    __typename
    ... on CaseAdvanced { case { state } endedAssignmentIds }
    ... on NeedsUndecided { messageZh needs { id title state } }
  } }"""

PUBLISH_CARE = """mutation($input: PublishNeedInput!) {
  publishNeed(input: $input) { ... on NeedPublished { need { id } } } }"""


def test_closing_a_case_ends_the_care_assignment_and_hides_the_address(world: World, settings: Settings) -> None:
    from gateway.ids import from_global_id
    from tests.e2e.test_gateway_volunteers import _register

    case_id = _new_elder(world, 92)
    care = {"caseId": case_id, "kind": "CARE", "title": "每周买菜", "visitsPerMonth": 4, "visitMinutes": 60,
            "skills": ["COMPANIONSHIP"]}  # fmt: skip
    need = world.ok(PUBLISH_CARE, {"input": care}, world.station())["publishNeed"]["need"]
    volunteer = _register(world, 17)
    confirmed = world.ok(
        CARE_CONFIRM.replace("care-1", "care-close-1"), {"need": need["id"], "volunteer": volunteer}, world.station()
    )
    assignment_id = confirmed["assignVolunteer"]["assignmentId"]
    volunteer_token = bearer(settings, "volunteer", volunteer_id=str(from_global_id(volunteer)[1]))
    url = f"{world.stack.url('volunteers')}/v1/assignments/{from_global_id(assignment_id)[1]}"
    assert httpx.get(url, headers=volunteer_token, timeout=10).json()["address_masked"] is False

    refused = world.ok(CLOSE, {"id": case_id, "needs": []}, world.station())["advanceCase"]
    assert refused["__typename"] == "NeedsUndecided"
    assert refused["needs"] == [{"id": need["id"], "title": "每周买菜", "state": "MATCHED"}]
    assert "每周买菜" in refused["messageZh"]

    decided = [{"needId": need["id"], "decision": "CANCEL", "reason": "老人入住养老院"}]
    closed = world.ok(CLOSE, {"id": case_id, "needs": decided}, world.station())["advanceCase"]
    assert closed == {"__typename": "CaseAdvanced", "case": {"state": "CLOSED"}, "endedAssignmentIds": [assignment_id]}
    assignment = httpx.get(url, headers=volunteer_token, timeout=10).json()
    assert assignment["state"] == "ended"
    assert assignment["address_masked"] is True
