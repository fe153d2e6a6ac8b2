"""A station worker's whole day through GraphQL alone, with global ids only, every value written
read back through GraphQL: register an elder, the case file (stage, records, referral), publish,
propose, match, fulfil with proof, a donor's claim confirmed, a care visit and its hours.

Tokens are minted as the OIDC provider would (tests/support/auth.py); nothing else here talks to a
service directly.
"""

import base64
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from services.common.clock import clock
from services.common.settings import Settings
from tests.case.factories import make_id_number
from tests.e2e.world import World
from tests.resources.factories import credit_code
from tests.support.auth import bearer
from tests.support.graphql import gql

pytestmark = pytest.mark.e2e

TAG = uuid.uuid4().hex[:6]  # this run's records are told apart from the other tests' by title


def _ok(world: World, query: str, variables: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    body = gql(world.stack, query, variables, headers)
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


def _local(global_id: str) -> str:
    return base64.b64decode(global_id).decode().partition(":")[2]


def _is_global(value: str, type_name: str) -> bool:
    return base64.b64decode(value).decode().startswith(f"{type_name}:")


RECIPIENT = """mutation($input: CreateRecipientInput!) { createRecipient(input: $input) { __typename
  ... on RecipientCreated { recipient { id } } ... on InvalidInput { fields errors { field message messageZh } } } }"""
OPEN_CASE = """mutation($input: OpenCaseInput!) { openCase(input: $input) {
  __typename ... on CaseOpened { case { id state } } } }"""
ADVANCE = """mutation($id: ID!, $to: CaseState!, $note: String!) { advanceCase(caseId: $id, toState: $to, note: $note) {
  __typename ... on CaseAdvanced { case { state } } } }"""
RECORD = """mutation($case: ID!, $input: ServiceRecordInput!) { addServiceRecord(caseId: $case, input: $input) {
  __typename ... on ServiceRecorded { record { id } } } }"""
REFER = """mutation($case: ID!) { referCase(caseId: $case, toAgency: "满洲里市残联", reason: "申请助听器评估") {
  __typename ... on ReferralChanged { referral { id state } } } }"""
SETTLE = """mutation($id: ID!) { settleReferral(referralId: $id, outcomeState: ACCEPTED, note: "已受理") {
  __typename ... on ReferralChanged { referral { state outcome } } } }"""
CASE_FILE = """query($case: ID!) { caseFile(caseId: $case) {
  case { id state recipient { id name } }
  transitions { fromState toState note actor at }
  serviceRecords { id kind servedOn note beneficiaries }
  referrals { id toAgency state outcome } needs { id title state } } }"""
CASE_NEEDS = """query($case: ID!) { needs(filter: {caseId: $case}) { totalCount edges { node { id } } } }"""
RECIPIENT_NODE = (
    """query($id: ID!) { node(id: $id) { ... on Recipient { name categories consent { givenBy purpose } } } }"""
)
ORG = """mutation($input: RegisterOrganizationInput!) { registerOrganization(input: $input) {
  __typename ... on OrganizationRegistered { organization { id } } } }"""
VERIFY_ORG = """mutation($id: ID!) { verifyOrganization(organizationId: $id) { __typename } }"""
OFFER = """mutation($input: CreateOfferInput!) { createOffer(input: $input) {
  __typename ... on OfferSaved { offer { id } } } }"""
PAUSE_OFFER = """mutation($id: ID!) { pauseOffer(offerId: $id) { __typename } }"""
PUBLISH_OFFER = """mutation($id: ID!) { publishOffer(offerId: $id) { __typename } }"""
PUBLISH = """mutation($input: PublishNeedInput!) { publishNeed(input: $input) {
  __typename ... on NeedPublished { need { id state } } } }"""
PROPOSE = """query($platform: ID!) { proposeMatches(scope: {platformId: $platform}) {
  proposals { reasons resourceIdGlobal need { id } offer { id title } } } }"""
MATCH = """mutation($need: ID!, $offer: ID!, $key: String!) {
  matchOffer(input: {needId: $need, offerId: $offer, idempotencyKey: $key}) {
  __typename ... on MatchConfirmed { holdId need { state } } } }"""
NODE_STATE = """query($id: ID!) { node(id: $id) { __typename ... on Need { state matchedReference fulfilledAt }
  ... on Hold { holdState: state quantity needId needTitle } ... on Pledge { holdState wishId needId donorName } } }"""
FULFIL = """mutation($need: ID!) { recordFulfilment(needId: $need, proofNote: "助行器已送到老人家中",
  feedback: "谢谢，出门方便多了") { __typename ... on FulfilmentRecorded { need { state } } } }"""
FULFILLED = """query { fulfilledWishes(first: 100, filter: {region: "150781"}) {
  edges { node { id title state proofNote feedback } } } }"""
FEED = """query { publicWishes(first: 100, filter: {region: "150781"}) { edges { node { id title state } } } }"""
CLAIM = """mutation($wish: ID!, $key: String!) { claimWish(wishId: $wish, donor: {name: "赵敏", contact: "13900007777"},
  idempotencyKey: $key) { __typename ... on WishClaimed { pledgeId wish { state } } } }"""
CONFIRM_CLAIM = """mutation($need: ID!, $key: String!) { confirmClaim(needId: $need, idempotencyKey: $key) {
  __typename ... on MatchConfirmed { holdId need { state } } } }"""
VOLUNTEER = """mutation($input: RegisterVolunteerInput!) { registerVolunteer(input: $input) {
  __typename ... on VolunteerRegistered { volunteer { id } } } }"""
VERIFY_VOLUNTEER = """mutation($id: ID!) { verifyVolunteer(volunteerId: $id) { __typename } }"""
ASSIGN = """mutation($need: ID!, $volunteer: ID!, $weekday: Int!, $key: String!) {
  assignVolunteer(input: {needId: $need, volunteerId: $volunteer, idempotencyKey: $key,
                          schedule: {weekday: $weekday, start: "00:00", durationMinutes: 60}}) {
  __typename ... on VolunteerAssigned { assignmentId need { state } } } }"""
MY_ASSIGNMENTS = """query { myCareAssignments { edges { node { id state visitAddress addressMasked } } } }"""
LOG_VISIT = """mutation($a: ID!, $at: DateTime!) { logCareVisit(assignmentId: $a, visitedAt: $at, done: true,
  notes: "陪老人聊天，血压正常") { __typename ... on VisitLogged { visit { id minutes hoursState } } } }"""
APPROVE_VISIT = """mutation($v: ID!) { approveVisitHours(visitId: $v) { __typename } }"""
VISITS = """query($a: ID!) { careVisits(assignmentId: $a, needsAttention: false) { edges { node { id notes
  hoursState volunteer { id } assignment { id elder { id } } } } } }"""
HOURS = """query($v: ID!) { volunteerHours(volunteerId: $v) { totalMinutes pendingMinutes starLevel } }"""


def test_a_station_workers_whole_day_through_graphql_alone(world: World, settings: Settings) -> None:
    station, station_gid = world.station(), world.station_gid()
    birth = date(1941, 6, 12)

    # Register an elder: a wrong check digit is refused field by field, in both languages.
    person = {
        "platformId": station_gid,
        "regionCode": "150781001",
        "name": f"乌云{TAG}",
        "gender": "FEMALE",
        "birthDate": birth.isoformat(),
        "categories": ["ELDERLY", "LIVING_ALONE"],
        "idNumber": make_id_number("150781", birth, 77),
        "phone": "13812340077",
        "address": "满洲里市东山街道二道街 7 号",
        "consent": {"givenBy": "本人", "givenAt": "2026-11-20T02:00:00Z", "purpose": "微心愿与探访服务"},
    }
    good_id = person["idNumber"]
    wrong_digit = good_id[:-1] + ("0" if good_id[-1] != "0" else "1")
    refused = _ok(world, RECIPIENT, {"input": {**person, "idNumber": wrong_digit}}, station)["createRecipient"]
    assert refused["__typename"] == "InvalidInput" and refused["fields"] == ["id_number"], refused
    assert refused["errors"][0]["message"] and refused["errors"][0]["messageZh"], refused
    recipient_id = _ok(world, RECIPIENT, {"input": person}, station)["createRecipient"]["recipient"]["id"]
    assert _is_global(recipient_id, "Recipient")
    read = _ok(world, RECIPIENT_NODE, {"id": recipient_id}, station)["node"]
    assert read == {"name": person["name"], "categories": ["ELDERLY", "LIVING_ALONE"],
                    "consent": {"givenBy": "本人", "purpose": "微心愿与探访服务"}}  # fmt: skip

    # The case file: opened, assessed, a home visit recorded.
    case = _ok(world, OPEN_CASE, {"input": {"recipientId": recipient_id, "domain": "ELDERLY"}}, station)["openCase"]
    case_id = case["case"]["id"]
    moved = _ok(world, ADVANCE, {"id": case_id, "to": "ASSESSMENT", "note": "入户评估"}, station)["advanceCase"]
    assert moved == {"__typename": "CaseAdvanced", "case": {"state": "ASSESSMENT"}}
    served = {"kind": "HOME_VISIT", "servedOn": clock.today().isoformat(), "note": "入户走访，了解出行困难"}
    record_id = _ok(world, RECORD, {"case": case_id, "input": served}, station)["addServiceRecord"]["record"]["id"]
    case_file = _ok(world, CASE_FILE, {"case": case_id}, station)["caseFile"]
    assert case_file["case"]["recipient"] == {"id": recipient_id, "name": person["name"]}
    moves = [(t["toState"], t["note"]) for t in case_file["transitions"]]
    assert moves[-1] == ("ASSESSMENT", "入户评估") and all(t["actor"] and t["at"] for t in case_file["transitions"])
    assert [(r["id"], r["kind"], r["note"]) for r in case_file["serviceRecords"]] == [
        (record_id, "HOME_VISIT", "入户走访，了解出行困难")
    ]
    assert case_file["referrals"] == []

    # A charity offers walkers; the station publishes the wish, asks for proposals, matches.
    org_staff, offer_id = _charity_with_one_walker(world, settings)
    wish = {"caseId": case_id, "kind": "MICRO_WISH", "title": f"助行器{TAG}", "itemCategory": "MOBILITY_AID",
            "quantity": 1, "estimatedValue": "260.00"}  # fmt: skip
    need_id = _ok(world, PUBLISH, {"input": wish}, station)["publishNeed"]["need"]["id"]
    proposals = _ok(world, PROPOSE, {"platform": station_gid}, station)["proposeMatches"]["proposals"]
    ours = [p for p in proposals if p["need"]["id"] == need_id]
    assert ours and ours[0]["offer"]["id"] == offer_id and ours[0]["reasons"], proposals
    matched = _ok(world, MATCH, {"need": need_id, "offer": ours[0]["resourceIdGlobal"], "key": f"day-{TAG}"}, station)
    hold_id = matched["matchOffer"]["holdId"]
    assert matched["matchOffer"]["need"] == {"state": "MATCHED"} and _is_global(hold_id, "Hold")
    paused = _ok(world, PAUSE_OFFER, {"id": offer_id}, org_staff)["pauseOffer"]  # the rest is not for the others
    assert paused["__typename"] == "OfferSaved", paused
    hold = _ok(world, NODE_STATE, {"id": hold_id}, org_staff)["node"]
    assert hold == {"__typename": "Hold", "holdState": "COMMITTED", "quantity": 1, "needId": need_id,
                    "needTitle": wish["title"]}  # fmt: skip

    # Fulfilled with proof: anyone can see it among the fulfilled wishes (已圆梦), and the hold delivered.
    assert _ok(world, FULFIL, {"need": need_id}, station)["recordFulfilment"]["need"] == {"state": "FULFILLED"}
    need = _ok(world, NODE_STATE, {"id": need_id}, station)["node"]
    assert need == {"__typename": "Need", "state": "FULFILLED", "matchedReference": f"hold:{_local(hold_id)}",
                    "fulfilledAt": need["fulfilledAt"]} and need["fulfilledAt"]  # fmt: skip
    assert _ok(world, NODE_STATE, {"id": hold_id}, org_staff)["node"]["holdState"] == "DELIVERED"
    shown = [e["node"] for e in _ok(world, FULFILLED, {}, {})["fulfilledWishes"]["edges"]]
    assert {"title": wish["title"], "state": "FULFILLED", "proofNote": "助行器已送到老人家中",
            "feedback": "谢谢，出门方便多了"} in [{k: v for k, v in s.items() if k != "id"} for s in shown]  # fmt: skip

    # A donor claims a second wish from an app; the station confirms the claim when the gift arrives.
    app = bearer(settings, "app_client", subject=f"donor-app-{TAG}", scopes=["wishes:read", "wishes:claim"])
    blanket = {"caseId": case_id, "kind": "MICRO_WISH", "title": f"棉被{TAG}", "itemCategory": "BEDDING",
               "quantity": 1}  # fmt: skip
    second_id = _ok(world, PUBLISH, {"input": blanket}, station)["publishNeed"]["need"]["id"]
    feed = [e["node"] for e in _ok(world, FEED, {}, app)["publicWishes"]["edges"]]
    wish_id = next(w["id"] for w in feed if w["title"] == blanket["title"])
    claimed = _ok(world, CLAIM, {"wish": wish_id, "key": f"claim-{TAG}"}, app)["claimWish"]
    assert claimed["__typename"] == "WishClaimed" and claimed["wish"]["state"] == "PENDING", claimed
    pledge = _ok(world, NODE_STATE, {"id": claimed["pledgeId"]}, app)["node"]
    assert pledge == {"__typename": "Pledge", "holdState": "HELD", "wishId": wish_id, "needId": second_id,
                      "donorName": "赵敏"}  # fmt: skip
    confirmed = _ok(world, CONFIRM_CLAIM, {"need": second_id, "key": f"confirm-{TAG}"}, station)["confirmClaim"]
    assert confirmed["need"] == {"state": "MATCHED"}, confirmed
    assert _ok(world, NODE_STATE, {"id": claimed["pledgeId"]}, app)["node"]["holdState"] == "COMMITTED"

    # A weekly care visit: the volunteer sees the address while assigned, logs the visit, the hours count.
    care = {"caseId": case_id, "kind": "CARE", "title": f"每周陪伴{TAG}", "visitsPerMonth": 4, "visitMinutes": 60,
            "skills": ["COMPANIONSHIP"]}  # fmt: skip
    care_id = _ok(world, PUBLISH, {"input": care}, station)["publishNeed"]["need"]["id"]
    volunteer_id = _verified_volunteer(world, station_gid)
    weekday = clock.today().isoweekday()
    assigned = _ok(world, ASSIGN, {"need": care_id, "volunteer": volunteer_id, "weekday": weekday,
                                   "key": f"care-{TAG}"}, station)["assignVolunteer"]  # fmt: skip
    assignment_id = assigned["assignmentId"]
    assert assigned["need"] == {"state": "MATCHED"} and _is_global(assignment_id, "CareAssignment")
    volunteer = bearer(settings, "volunteer", volunteer_id=_local(volunteer_id), region="150781")
    mine = [e["node"] for e in _ok(world, MY_ASSIGNMENTS, {}, volunteer)["myCareAssignments"]["edges"]]
    assert {"id": assignment_id, "state": "ACTIVE", "visitAddress": person["address"], "addressMasked": False} in mine
    at = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1)
    logged = _ok(world, LOG_VISIT, {"a": assignment_id, "at": at.isoformat()}, volunteer)["logCareVisit"]
    assert logged["__typename"] == "VisitLogged" and logged["visit"]["hoursState"] == "PENDING", logged
    assert _ok(world, HOURS, {"v": volunteer_id}, station)["volunteerHours"]["pendingMinutes"] == 60
    assert _ok(world, APPROVE_VISIT, {"v": logged["visit"]["id"]}, station)["approveVisitHours"]["__typename"] in (
        "VisitHoursApproved",
    )
    visits = [e["node"] for e in _ok(world, VISITS, {"a": assignment_id}, station)["careVisits"]["edges"]]
    assert visits == [{"id": logged["visit"]["id"], "notes": "陪老人聊天，血压正常", "hoursState": "APPROVED",
                       "volunteer": {"id": volunteer_id},
                       "assignment": {"id": assignment_id, "elder": {"id": recipient_id}}}]  # fmt: skip
    hours = _ok(world, HOURS, {"v": volunteer_id}, station)["volunteerHours"]
    assert hours["totalMinutes"] == 60 and hours["pendingMinutes"] == 0, hours

    # At the end of the day the elder is referred on for a hearing aid, and the agency accepts.
    referral = _ok(world, REFER, {"case": case_id}, station)["referCase"]["referral"]
    assert referral["state"] == "SENT"
    settled = _ok(world, SETTLE, {"id": referral["id"]}, station)["settleReferral"]["referral"]
    assert settled == {"state": "ACCEPTED", "outcome": "已受理"}
    case_file = _ok(world, CASE_FILE, {"case": case_id}, station)["caseFile"]
    assert case_file["transitions"][-1]["toState"] == "REFERRED" and case_file["case"]["state"] == "REFERRED"
    assert {(n["id"], n["title"], n["state"]) for n in case_file["needs"]} == {
        (need_id, wish["title"], "FULFILLED"),
        (second_id, blanket["title"], "MATCHED"),
        (care_id, care["title"], "MATCHED"),
    }
    listed = _ok(world, CASE_NEEDS, {"case": case_id}, station)["needs"]
    assert listed["totalCount"] == 3 and {e["node"]["id"] for e in listed["edges"]} == {need_id, second_id, care_id}
    assert case_file["referrals"] == [
        {"id": referral["id"], "toAgency": "满洲里市残联", "state": "ACCEPTED", "outcome": "已受理"}
    ]


def _charity_with_one_walker(world: World, settings: Settings) -> tuple[dict[str, str], str]:
    org = {"kind": "CHARITY", "name": f"满洲里市助老协会{TAG}", "contactName": "韩", "contactPhone": "13900001111",
           "serviceRegions": ["150781"], "creditCode": credit_code("150781")}  # fmt: skip
    org_id = _ok(world, ORG, {"input": org}, world.admin)["registerOrganization"]["organization"]["id"]
    assert _ok(world, VERIFY_ORG, {"id": org_id}, world.admin)["verifyOrganization"]["__typename"] != "NotFound"
    org_staff = bearer(settings, "org_staff", org_id=_local(org_id), region="150781", subject=f"charity-{TAG}")
    # Ten, so that every open walker wish of the world (other tests' too) can have one proposed.
    offer = {"kind": "MATERIAL", "title": f"助行器捐赠{TAG}", "regionPrefix": "150781", "category": "MOBILITY_AID",
             "quantity": 10}  # fmt: skip
    offer_id = _ok(world, OFFER, {"input": offer}, org_staff)["createOffer"]["offer"]["id"]
    assert _ok(world, PUBLISH_OFFER, {"id": offer_id}, org_staff)["publishOffer"]["__typename"] == "OfferSaved"
    return org_staff, offer_id


def _verified_volunteer(world: World, station_gid: str) -> str:
    born = date(1986, 4, 3)
    body = {"platformId": station_gid, "name": f"其其格{TAG}", "phone": "13947007777",
            "idNumber": make_id_number("150781", born, 600 + int(TAG, 16) % 300), "region": "150781001",
            "skills": ["COMPANIONSHIP"], "languages": ["MN", "ZH"]}  # fmt: skip
    volunteer_id = _ok(world, VOLUNTEER, {"input": body}, world.station())["registerVolunteer"]["volunteer"]["id"]
    assert _ok(world, VERIFY_VOLUNTEER, {"id": volunteer_id}, world.station())["verifyVolunteer"]["__typename"]
    return str(volunteer_id)
