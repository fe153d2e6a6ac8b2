"""The case side's read side through GraphQL alone (issue 18): a case's file read back as written,
ServiceRecord and Referral as nodes, a platform's staff in pages, the audit trail for admins, the
thank-you wall for anonymous callers; each read scoped, each refusal its declared member."""

import uuid
from datetime import date
from typing import Any

import httpx
import pytest

from gateway.ids import to_global_id
from services.common.settings import Settings
from tests.case.factories import make_id_number
from tests.e2e.test_gateway_case import CREATE_RECIPIENT, _new_elder
from tests.e2e.test_gateway_photos import _matched_need
from tests.e2e.world import World
from tests.support.auth import bearer
from tests.support.graphql import error_codes, gql

pytestmark = pytest.mark.e2e

ADD_STAFF = """mutation($p: ID!, $name: String!) { addStaff(platformId: $p, input: {name: $name, role: RESIDENT_WORKER,
  certification: SOCIAL_WORKER}) { __typename ... on StaffAdded { staff { id name } } } }"""
RECORD = """mutation($case: ID!, $on: Date!, $worker: ID) { addServiceRecord(caseId: $case, input: {kind: HOME_VISIT,
  servedOn: $on, beneficiaries: 2, workerId: $worker, note: "入户走访，了解用药情况"}) {
  __typename ... on ServiceRecorded { record { id } } } }"""
REFER = """mutation($case: ID!) { referCase(caseId: $case, toAgency: "满洲里市残联", reason: "辅具评估") {
  __typename ... on ReferralChanged { referral { id state } } } }"""
SETTLE = """mutation($id: ID!, $to: ReferralState!) { settleReferral(referralId: $id, outcomeState: $to, note: "已适配轮椅") {
  __typename ... on ReferralChanged { referral { state outcome } } ... on InvalidInput { fields errors { field } } } }"""
CASE_FILE = """query($id: ID!) { caseFile(caseId: $id) {
  case { id state summary }
  transitions { id fromState toState actor note at }
  serviceRecords { id kind servedOn beneficiaries note recordedBy worker { name } case { id } }
  referrals { id toAgency reason state fromState outcome case { id } } } }"""
NODE = """query($id: ID!) { node(id: $id) { __typename id
  ... on ServiceRecord { kind beneficiaries worker { name } }
  ... on Referral { state toAgency }
  ... on CaseTransition { toState actor case { id } } } }"""
STAFF = """query($p: ID!, $first: Int, $after: String, $last: Int, $before: String) {
  platformStaff(platformId: $p, first: $first, after: $after, last: $last, before: $before) {
    totalCount nodes { name } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"""
AUDIT = """query($service: AuditedService!, $record: ID) { auditTrail(service: $service, recordId: $record, first: 500) {
  nextAfter entries { number service actor action entity recordId fields } } }"""
WALL = """{ fulfilledWishes(first: 100, filter: {region: "150781"}) {
  edges { cursor node { id state title proofNote feedback fulfilledAt display } } } }"""


def _other_station(settings: Settings) -> dict[str, str]:
    return bearer(settings, "station_staff", platform_id=uuid.uuid4(), region="150781")


class TestCaseFile:
    def test_the_case_file_reads_back_what_was_written_and_only_in_scope(
        self, world: World, settings: Settings
    ) -> None:
        case_id = _new_elder(world, 601)
        worker = world.ok(ADD_STAFF, {"p": world.station_gid(), "name": "赵社工"}, world.station())["addStaff"]
        served_on = date.today().isoformat()
        variables = {"case": case_id, "on": served_on, "worker": worker["staff"]["id"]}
        record = world.ok(RECORD, variables, world.station())["addServiceRecord"]["record"]
        referral = world.ok(REFER, {"case": case_id}, world.station())["referCase"]["referral"]
        accepted = world.ok(SETTLE, {"id": referral["id"], "to": "ACCEPTED"}, world.station())["settleReferral"]
        assert accepted["referral"]["state"] == "ACCEPTED"

        file = world.ok(CASE_FILE, {"id": case_id}, world.station())["caseFile"]
        assert file["case"]["id"] == case_id and file["case"]["state"] == "REFERRED"
        steps = [(t["fromState"], t["toState"], t["actor"]) for t in file["transitions"]]
        assert steps[:2] == [("INTAKE", "ASSESSMENT", "worker"), ("ASSESSMENT", "REFERRED", "worker")]
        assert all(t["at"] for t in file["transitions"])
        assert file["serviceRecords"] == [
            {
                "id": record["id"],
                "kind": "HOME_VISIT",
                "servedOn": served_on,
                "beneficiaries": 2,
                "note": "入户走访，了解用药情况",
                "recordedBy": "worker",
                "worker": {"name": "赵社工"},
                "case": {"id": case_id},
            }
        ]
        assert file["referrals"] == [
            {
                "id": referral["id"],
                "toAgency": "满洲里市残联",
                "reason": "辅具评估",
                "state": "ACCEPTED",
                "fromState": "ASSESSMENT",
                "outcome": "已适配轮椅",
                "case": {"id": case_id},
            }
        ]

        # ServiceRecord and Referral are nodes, for their station only.
        as_record = world.ok(NODE, {"id": record["id"]}, world.station())["node"]
        assert as_record == {
            "__typename": "ServiceRecord",
            "id": record["id"],
            "kind": "HOME_VISIT",
            "beneficiaries": 2,
            "worker": {"name": "赵社工"},
        }
        as_referral = world.ok(NODE, {"id": referral["id"]}, world.station())["node"]
        assert as_referral == {
            "__typename": "Referral",
            "id": referral["id"],
            "state": "ACCEPTED",
            "toAgency": "满洲里市残联",
        }
        step = file["transitions"][0]
        as_step = world.ok(NODE, {"id": step["id"]}, world.station())["node"]
        assert as_step == {
            "__typename": "CaseTransition",
            "id": step["id"],
            "toState": "ASSESSMENT",
            "actor": "worker",
            "case": {"id": case_id},
        }
        other = _other_station(settings)
        assert world.ok(NODE, {"id": step["id"]}, other)["node"] is None
        assert world.ok(CASE_FILE, {"id": case_id}, other)["caseFile"] is None
        assert world.ok(NODE, {"id": record["id"]}, other)["node"] is None
        assert world.ok(NODE, {"id": referral["id"]}, other)["node"] is None

    def test_a_raw_uuid_is_refused_as_bad_input(self, world: World) -> None:
        body = gql(world.stack, CASE_FILE, {"id": str(uuid.uuid4())}, world.station())
        assert error_codes(body) == ["BAD_USER_INPUT"]
        wrong_type = gql(world.stack, CASE_FILE, {"id": world.station_gid()}, world.station())
        assert error_codes(wrong_type) == ["BAD_USER_INPUT"]

    def test_sent_is_no_outcome_of_a_referral(self, world: World) -> None:
        referral = world.ok(REFER, {"case": _new_elder(world, 602)}, world.station())["referCase"]["referral"]
        refused = world.ok(SETTLE, {"id": referral["id"], "to": "SENT"}, world.station())["settleReferral"]
        assert refused == {
            "__typename": "InvalidInput",
            "fields": ["outcome_state"],
            "errors": [{"field": "outcome_state"}],
        }


class TestStaff:
    def test_a_platforms_staff_in_pages_both_ways_and_for_its_own_staff(self, world: World, settings: Settings) -> None:
        centre = bearer(settings, "centre_staff", platform_id=world.centre_id, region="150781")
        room = world.ok(
            """mutation($parent: ID!) { createPlatform(input: {name: "二道街社工室", level: COMMUNITY_ROOM,
               regionCode: "150781001", parentId: $parent}) { ... on PlatformCreated { platform { id } } } }""",
            {"parent": world.station_gid()},
            centre,
        )["createPlatform"]["platform"]["id"]
        for name in ("甲", "乙", "丙"):
            assert world.ok(ADD_STAFF, {"p": room, "name": name}, centre)["addStaff"]["__typename"] == "StaffAdded"
        first = world.ok(STAFF, {"p": room, "first": 2}, centre)["platformStaff"]
        assert first["totalCount"] == 3 and [n["name"] for n in first["nodes"]] == ["甲", "乙"]
        assert first["pageInfo"]["hasNextPage"] is True and first["pageInfo"]["hasPreviousPage"] is False
        rest = world.ok(STAFF, {"p": room, "first": 2, "after": first["pageInfo"]["endCursor"]}, centre)
        assert [n["name"] for n in rest["platformStaff"]["nodes"]] == ["丙"]
        last = world.ok(STAFF, {"p": room, "last": 2}, centre)["platformStaff"]
        assert [n["name"] for n in last["nodes"]] == ["乙", "丙"] and last["pageInfo"]["hasPreviousPage"] is True
        before = world.ok(STAFF, {"p": room, "last": 5, "before": last["pageInfo"]["startCursor"]}, centre)
        assert [n["name"] for n in before["platformStaff"]["nodes"]] == ["甲"]
        assert world.ok(STAFF, {"p": room}, _other_station(settings))["platformStaff"] is None


class TestAuditTrail:
    def test_admins_read_the_trail_of_a_record_and_staff_are_refused(self, world: World, settings: Settings) -> None:
        case_id = _new_elder(world, 603)
        file = world.ok(CASE_FILE, {"id": case_id}, world.station())["caseFile"]
        trail = world.ok(AUDIT, {"service": "CASE", "record": file["case"]["id"]}, world.admin)["auditTrail"]
        actions = [(e["action"], e["entity"], e["actor"]) for e in trail["entries"]]
        assert ("create", "case", "worker") in actions and all(e["recordId"] == case_id for e in trail["entries"])
        assert trail["nextAfter"] == trail["entries"][-1]["number"]
        resources = world.ok(AUDIT, {"service": "RESOURCES", "record": None}, world.admin)["auditTrail"]
        assert all(e["service"] == "RESOURCES" for e in resources["entries"])
        assert error_codes(gql(world.stack, AUDIT, {"service": "CASE"}, world.station())) == ["FORBIDDEN"]
        # Another region's admin reads none of this station's rows.
        elsewhere = bearer(settings, "civil_affairs_admin", region="4301", subject="hunan-admin")
        assert world.ok(AUDIT, {"service": "CASE", "record": case_id}, elsewhere)["auditTrail"]["entries"] == []


class TestThankYouWall:
    def test_anonymous_callers_see_fulfilled_wishes_with_their_proof(self, world: World) -> None:
        _, need_id = _matched_need(world, 604)
        proof = {"proof_note": "老花镜已送到，老人很高兴。", "feedback": "谢谢"}
        fulfilled = httpx.post(
            f"{world.stack.url('case')}/v1/needs/{need_id}/fulfil", json=proof, headers=world.station(), timeout=10
        )
        assert fulfilled.status_code == 200, fulfilled.text
        wall = gql(world.stack, WALL)
        assert "errors" not in wall, wall
        nodes = [e["node"] for e in wall["data"]["fulfilledWishes"]["edges"]]
        mine = [n for n in nodes if n["id"] == to_global_id("PublicWish", need_id)]
        assert len(mine) == 1 and mine[0]["state"] == "FULFILLED" and mine[0]["fulfilledAt"]
        assert (mine[0]["proofNote"], mine[0]["feedback"], mine[0]["title"]) == (
            "老花镜已送到，老人很高兴。",
            "谢谢",
            "一副老花镜",
        )
        assert all(n["state"] == "FULFILLED" for n in nodes)
        open_feed = gql(world.stack, """{ publicWishes(first: 100) { nodes { id } } }""")
        assert to_global_id("PublicWish", need_id) not in [n["id"] for n in open_feed["data"]["publicWishes"]["nodes"]]


class TestRecipientRefusals:
    def test_a_wrong_id_check_digit_is_invalid_input_naming_the_field(self, world: World) -> None:
        birth = date(1951, 6, 6)
        good = make_id_number("150781", birth, 605)
        wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
        variables: dict[str, Any] = {
            "input": {
                "platformId": world.station_gid(),
                "regionCode": "150781001",
                "name": "李四",
                "gender": "MALE",
                "birthDate": birth.isoformat(),
                "categories": ["DIBAO"],
                "idNumber": wrong,
                "consent": {"givenBy": "本人", "givenAt": "2026-11-01T00:00:00Z", "purpose": "救助"},
            }
        }
        query = CREATE_RECIPIENT.replace(
            "... on Conflict { code message }", "... on InvalidInput { fields errors { field message messageZh } }"
        )
        refused = world.ok(query, variables, world.station())["createRecipient"]
        assert refused["__typename"] == "InvalidInput" and refused["fields"] == ["id_number"]
        [error] = refused["errors"]
        assert error["field"] == "id_number" and "check digit" in error["message"] and "身份证" in error["messageZh"]

    def test_a_birth_date_unlike_the_id_number_is_refused_on_the_birth_date(self, world: World) -> None:
        birth = date(1952, 7, 7)
        variables: dict[str, Any] = {
            "input": {
                "platformId": world.station_gid(),
                "regionCode": "150781001",
                "name": "王五",
                "gender": "MALE",
                "birthDate": date(1952, 7, 8).isoformat(),
                "categories": ["DIBAO"],
                "idNumber": make_id_number("150781", birth, 606),
                "consent": {"givenBy": "本人", "givenAt": "2026-11-01T00:00:00Z", "purpose": "救助"},
            }
        }
        query = CREATE_RECIPIENT.replace("... on Conflict { code message }", "... on InvalidInput { fields }")
        refused = world.ok(query, variables, world.station())["createRecipient"]
        assert refused == {"__typename": "InvalidInput", "fields": ["birth_date"]}


def test_a_need_missing_its_kinds_fields_is_refused_field_by_field(world: World) -> None:
    publish = """mutation($case: ID!) { publishNeed(input: {caseId: $case, kind: MICRO_WISH, title: "一台收音机",
      amount: "50.00"}) { __typename ... on InvalidInput { fields errors { field messageZh } } } }"""
    refused = world.ok(publish, {"case": _new_elder(world, 607)}, world.station())["publishNeed"]
    assert refused["__typename"] == "InvalidInput"
    assert refused["fields"] == ["item_category", "quantity", "amount"]
    assert [e["messageZh"] for e in refused["errors"]] == ["缺少必填字段", "缺少必填字段", "字段与需求类型不符"]


def test_staff_lists_page_backwards_too(world: World) -> None:
    query = """query($first: Int, $after: String, $last: Int, $before: String) {
      cases(first: $first, after: $after, last: $last, before: $before, filter: {region: "150781"}) {
        edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"""
    for n in range(3):
        _new_elder(world, 610 + n)
    newest = world.ok(query, {"first": 3}, world.station())["cases"]["edges"]
    ids = [e["node"]["id"] for e in newest]
    back = world.ok(query, {"last": 2, "before": newest[2]["cursor"]}, world.station())["cases"]
    assert [e["node"]["id"] for e in back["edges"]] == ids[:2]
    assert back["pageInfo"]["hasNextPage"] is True and back["pageInfo"]["hasPreviousPage"] is False
    further = world.ok(query, {"last": 5, "before": newest[1]["cursor"]}, world.station())["cases"]
    assert [e["node"]["id"] for e in further["edges"]] == ids[:1]
    onwards = world.ok(query, {"first": 1, "after": back["pageInfo"]["endCursor"]}, world.station())["cases"]
    assert [e["node"]["id"] for e in onwards["edges"]] == ids[2:3] and onwards["pageInfo"]["hasPreviousPage"] is True
    tail = world.ok(query, {"last": 1}, world.station())["cases"]["pageInfo"]
    assert tail["hasNextPage"] is False and tail["hasPreviousPage"] is True
    both = gql(world.stack, query, {"after": newest[0]["cursor"], "last": 1}, world.station())
    assert error_codes(both) == ["BAD_USER_INPUT"]


def test_health_notes_written_are_read_back_by_the_station_only(world: World) -> None:
    birth = date(1944, 4, 4)
    variables = {
        "input": {
            "platformId": world.station_gid(),
            "regionCode": "150781001",
            "name": "刘奶奶",
            "gender": "FEMALE",
            "birthDate": birth.isoformat(),
            "categories": ["ELDERLY"],
            "idNumber": make_id_number("150781", birth, 614),
            "healthNotes": "高血压，每日服药",
            "consent": {"givenBy": "本人", "givenAt": "2026-11-01T00:00:00Z", "purpose": "救助"},
        }
    }
    created = world.ok(CREATE_RECIPIENT, variables, world.station())["createRecipient"]["recipient"]
    read = """query($id: ID!) { node(id: $id) { ... on Recipient { healthNotes version } } }"""
    assert world.ok(read, {"id": created["id"]}, world.station())["node"] == {
        "healthNotes": "高血压，每日服药",
        "version": 1,
    }
    update = """mutation($id: ID!) { updateRecipient(recipientId: $id, expectedVersion: 1, input: {healthNotes: "高血压、糖尿病"}) {
      __typename ... on RecipientUpdated { recipient { healthNotes } } } }"""
    updated = world.ok(update, {"id": created["id"]}, world.station())["updateRecipient"]
    assert updated == {"__typename": "RecipientUpdated", "recipient": {"healthNotes": "高血压、糖尿病"}}
    listed = world.ok("""{ recipients(first: 100) { nodes { id healthNotes } } }""", {}, world.station())
    assert {"id": created["id"], "healthNotes": "高血压、糖尿病"} in listed["recipients"]["nodes"]
    admin = world.ok(read, {"id": created["id"]}, world.admin)["node"]
    assert admin == {"healthNotes": None, "version": 2}  # masked for civil-affairs admins
