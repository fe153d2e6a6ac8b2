"""Fund corrections and receipts through the gateway (issue 17)."""

import uuid

import httpx

from gateway.ids import from_global_id
from services.common.settings import Settings
from tests.e2e.test_gateway_resources import CREATE, PUBLISH, REGISTER, VERIFY
from tests.e2e.world import World
from tests.resources.factories import credit_code
from tests.support.auth import bearer
from tests.support.graphql import error_codes, gql

DONATE = """mutation($f: ID!) { recordDonation(fundId: $f, amount: "1234.50", donorName: "赵大海", reference: "WX-77",
  idempotencyKey: "wx-77") { __typename ... on DonationRecorded { entryId receiptNumber } } }"""
REVERSE = """mutation($f: ID!, $e: ID!) { reverseLedgerEntry(fundId: $f, entryId: $e, reason: "重复登记") {
  __typename ... on LedgerEntryReversed { entryId reversesId amount } ... on AlreadyReversed { reversalId messageZh }
  ... on NotReversible { messageZh } ... on InsufficientFunds { available messageZh } } }"""
TAKEN = """mutation($input: RegisterOrganizationInput!) { registerOrganization(input: $input) {
  __typename ... on CreditCodeTaken { messageZh } } }"""
LEDGER = """query($f: ID!) { fundLedger(fundId: $f) { edges { node { id kind amount donorName receiptNumber
  reversesId reversedById fund { title } } } } }"""
ENTRY = """query($id: ID!) { node(id: $id) { ... on LedgerEntry { kind amount reversedById } } }"""


def test_a_donation_is_reversed_once_and_its_receipt_prints(world: World, settings: Settings) -> None:
    registered = world.ok(REGISTER, {"input": {
        "kind": "COMMUNITY_FOUNDATION", "name": "扎赉诺尔区社区发展基金会", "contactName": "钱", "contactPhone": "13900007777",
        "serviceRegions": ["1507"], "creditCode": credit_code("150781")}}, world.admin)["registerOrganization"]  # fmt: skip
    org_gid = registered["organization"]["id"]
    world.ok(VERIFY, {"id": org_gid}, world.admin)
    staff = bearer(settings, "org_staff", org_id=str(from_global_id(org_gid)[1]))
    fund = world.ok(CREATE, {"input": {"kind": "FUND", "title": "助老暖冬基金", "amount": "1.00",
                                       "regionPrefix": "1507"}}, staff)["createOffer"]  # fmt: skip
    fund_id = fund["offer"]["id"]
    world.ok(PUBLISH, {"id": fund_id}, staff)
    donation = world.ok(DONATE, {"f": fund_id}, staff)["recordDonation"]
    assert donation["__typename"] == "DonationRecorded"
    assert donation["receiptNumber"].endswith("-000002")  # the opening balance is the fund's first donation

    receipt = httpx.get(
        f"{world.stack.url('resources')}/v1/funds/{from_global_id(fund_id)[1]}/entries/"
        f"{from_global_id(donation['entryId'])[1]}/receipt",
        headers=staff,
        timeout=10,
    )
    assert receipt.status_code == 200
    assert "人民币壹仟贰佰叁拾肆元伍角" in receipt.text and donation["receiptNumber"] in receipt.text

    reversed_ = world.ok(REVERSE, {"f": fund_id, "e": donation["entryId"]}, staff)["reverseLedgerEntry"]
    assert reversed_ == {
        "__typename": "LedgerEntryReversed",
        "entryId": reversed_["entryId"],
        "reversesId": donation["entryId"],
        "amount": "-1234.50",
    }
    again = world.ok(REVERSE, {"f": fund_id, "e": donation["entryId"]}, staff)["reverseLedgerEntry"]
    assert again["__typename"] == "AlreadyReversed" and again["messageZh"]
    disclosure = gql(world.stack, "query($f: ID!) { fundDisclosure(fundId: $f) { balance } }", {"f": fund_id})
    assert disclosure["data"]["fundDisclosure"]["balance"] == "1.00"

    assert again["reversalId"] == reversed_["entryId"]

    ledger = [e["node"] for e in world.ok(LEDGER, {"f": fund_id}, staff)["fundLedger"]["edges"]]
    assert [(e["kind"], e["amount"]) for e in ledger] == [
        ("REVERSAL", "-1234.50"),
        ("DONATION", "1234.50"),
        ("DONATION", "1.00"),
    ]
    reversal, donated, opening = ledger
    assert reversal["id"] == reversed_["entryId"] and reversal["reversesId"] == donation["entryId"]
    assert donated["reversedById"] == reversal["id"] and donated["donorName"] == "赵大海"
    assert donated["receiptNumber"] == donation["receiptNumber"] and opening["receiptNumber"].endswith("-000001")
    assert opening["reversedById"] is None and reversal["fund"] == {"title": "助老暖冬基金"}
    assert world.ok(ENTRY, {"id": donation["entryId"]}, staff)["node"] == {
        "kind": "DONATION",
        "amount": "1234.50",
        "reversedById": reversal["id"],
    }

    stranger = bearer(settings, "org_staff", org_id=str(uuid.uuid4()))
    assert world.ok(ENTRY, {"id": donation["entryId"]}, stranger)["node"] is None
    assert error_codes(gql(world.stack, LEDGER, {"f": fund_id}, stranger)) == ["NOT_FOUND"]
    raw_id = str(from_global_id(donation["entryId"])[1])
    assert error_codes(gql(world.stack, REVERSE, {"f": fund_id, "e": raw_id}, staff)) == ["BAD_USER_INPUT"]


def test_a_correction_the_books_cannot_carry_is_refused_by_its_own_member(world: World, settings: Settings) -> None:
    code = credit_code("150781")
    org = {"kind": "COMMUNITY_FOUNDATION", "name": "新巴尔虎左旗社区发展基金会", "contactName": "孙",
           "contactPhone": "13900003333", "serviceRegions": ["1507"], "creditCode": code}  # fmt: skip
    registered = world.ok(REGISTER, {"input": org}, world.admin)["registerOrganization"]
    taken = world.ok(TAKEN, {"input": {**org, "name": "另一家基金会"}}, world.admin)["registerOrganization"]
    assert taken["__typename"] == "CreditCodeTaken" and taken["messageZh"]
    org_gid = registered["organization"]["id"]
    world.ok(VERIFY, {"id": org_gid}, world.admin)
    staff = bearer(settings, "org_staff", org_id=str(from_global_id(org_gid)[1]))
    fund_id = world.ok(CREATE, {"input": {"kind": "FUND", "title": "助学基金", "amount": "1.00",
                                          "regionPrefix": "1507"}}, staff)["createOffer"]["offer"]["id"]  # fmt: skip
    world.ok(PUBLISH, {"id": fund_id}, staff)
    donation = world.ok(DONATE.replace('"wx-77"', '"wx-78"'), {"f": fund_id}, staff)["recordDonation"]
    paid = httpx.post(
        f"{world.stack.url('resources')}/v1/funds/{from_global_id(fund_id)[1]}/entries",
        json={"kind": "disbursement", "amount": "1000.00", "need_id": str(uuid.uuid4()), "need_region": "150781001",
              "purpose": "school_supplies", "reference": "助学金发放"},
        headers=staff,
        timeout=10,
    )  # fmt: skip
    assert paid.status_code == 201, paid.text

    short = world.ok(REVERSE, {"f": fund_id, "e": donation["entryId"]}, staff)["reverseLedgerEntry"]
    assert short == {"__typename": "InsufficientFunds", "available": "235.50", "messageZh": short["messageZh"]}
    entries = world.ok(LEDGER, {"f": fund_id}, staff)["fundLedger"]["edges"]
    payment = next(e["node"] for e in entries if e["node"]["kind"] == "DISBURSEMENT")
    assert payment["amount"] == "-1000.00"
    opening = next(e["node"] for e in entries if e["node"]["receiptNumber"] and e["node"]["amount"] == "1.00")
    reversal = world.ok(REVERSE, {"f": fund_id, "e": opening["id"]}, staff)["reverseLedgerEntry"]
    assert reversal["__typename"] == "LedgerEntryReversed"
    again = world.ok(REVERSE, {"f": fund_id, "e": reversal["entryId"]}, staff)["reverseLedgerEntry"]
    assert again["__typename"] == "NotReversible" and again["messageZh"]
