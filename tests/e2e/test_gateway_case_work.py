"""A station's daily writes through the gateway: records, referrals, projects, edits with versions."""

from datetime import date

import pytest

from tests.e2e.test_gateway_case import _new_elder, _publish
from tests.e2e.world import World

pytestmark = pytest.mark.e2e


def test_records_referrals_projects_and_versioned_edits(world: World) -> None:
    case_id = _new_elder(world, 500)
    recorded = world.ok(
        """mutation($case: ID!, $on: Date!) { addServiceRecord(caseId: $case, input: {kind: HOME_VISIT, servedOn: $on,
           beneficiaries: 2, note: "入户走访"}) { __typename ... on ServiceRecorded { record { kind beneficiaries } } } }""",
        {"case": case_id, "on": date.today().isoformat()},
        world.station(),
    )["addServiceRecord"]
    assert recorded == {"__typename": "ServiceRecorded", "record": {"kind": "HOME_VISIT", "beneficiaries": 2}}

    referral = world.ok(
        """mutation($case: ID!) { referCase(caseId: $case, toAgency: "满洲里市残联", reason: "辅具评估") {
           ... on ReferralChanged { referral { id state } } } }""",
        {"case": case_id},
        world.station(),
    )["referCase"]["referral"]
    assert referral["state"] == "SENT"
    declined = world.ok(
        """mutation($id: ID!) { settleReferral(referralId: $id, outcomeState: DECLINED, note: "名额已满") {
           __typename ... on ReferralChanged { referral { state outcome } } } }""",
        {"id": referral["id"]},
        world.station(),
    )["settleReferral"]
    assert declined["referral"] == {"state": "DECLINED", "outcome": "名额已满"}

    project = world.ok(
        """mutation($p: ID!) { createProject(input: {platformId: $p, name: "爱伴童行·圆梦边城", isBrand: true}) {
           __typename ... on ProjectCreated { project { name isBrand } } } }""",
        {"p": world.station_gid()},
        world.station(),
    )["createProject"]
    assert project["project"] == {"name": "爱伴童行·圆梦边城", "isBrand": True}

    need = _publish(world, case_id, "一套课外书")["need"]
    edit = """mutation($id: ID!, $v: Int!) { updateNeed(needId: $id, expectedVersion: $v, input: {quantity: 2}) {
               __typename ... on NeedUpdated { need { quantity version } } } }"""
    first = world.ok(edit, {"id": need["id"], "v": 1}, world.station())["updateNeed"]
    assert first == {"__typename": "NeedUpdated", "need": {"quantity": 2, "version": 2}}
    assert world.ok(edit, {"id": need["id"], "v": 1}, world.station())["updateNeed"]["__typename"] == "StaleVersion"
