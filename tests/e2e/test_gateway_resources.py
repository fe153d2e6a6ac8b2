"""Organisations and offers through the gateway, and the fund side of the linkage statistics."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from gateway.ids import from_global_id, to_global_id
from services.common.settings import Settings
from tests.e2e.world import World
from tests.resources.factories import credit_code
from tests.support.auth import bearer
from tests.support.graphql import error_codes, gql

pytestmark = pytest.mark.e2e

REGISTER = """mutation($input: RegisterOrganizationInput!) { registerOrganization(input: $input) {
  __typename ... on OrganizationRegistered { organization { id verificationStatus } } ... on InvalidInput { message fields } } }"""
VERIFY = """mutation($id: ID!) { verifyOrganization(organizationId: $id) {
  __typename ... on OrganizationVerified { organization { verificationStatus } } } }"""
CREATE = """mutation($input: CreateOfferInput!) { createOffer(input: $input) {
  __typename ... on OfferSaved { offer { id status } } ... on InvalidInput { message fields } ... on Conflict { code message } } }"""
PUBLISH = """mutation($id: ID!) { publishOffer(offerId: $id) { __typename ... on OfferSaved { offer { status } }
  ... on OrganizationNotVerified { messageZh } ... on Conflict { code } } }"""
OFFERS = """{ offers(filter: {servesRegion: "150781001", availableOnly: true}) { edges { node {
  title kind category availability { total available balance } organization { name } } } } }"""


def test_charity_offers_reach_stations_and_apps(world: World, settings: Settings) -> None:
    registered = world.ok(
        REGISTER,
        {
            "input": {
                "kind": "COMMUNITY_FOUNDATION",
                "name": "满洲里市社区发展基金会",
                "contactName": "赵敏",
                "contactPhone": "13900001111",
                "serviceRegions": ["150781"],
                "creditCode": credit_code("150781"),
            }
        },
        world.admin,
    )["registerOrganization"]
    assert (
        registered["__typename"] == "OrganizationRegistered"
        and registered["organization"]["verificationStatus"] == "PENDING"
    )
    org_gid = registered["organization"]["id"]
    org_staff = bearer(settings, "org_staff", org_id=str(from_global_id(org_gid)[1]), subject="foundation-staff")
    draft = world.ok(
        CREATE,
        {
            "input": {
                "kind": "MATERIAL",
                "title": "冬季棉被",
                "category": "BEDDING",
                "quantity": 30,
                "regionPrefix": "150781",
            }
        },
        org_staff,
    )["createOffer"]
    assert draft["__typename"] == "OfferSaved" and draft["offer"]["status"] == "DRAFT"
    refused = world.ok(PUBLISH, {"id": draft["offer"]["id"]}, org_staff)["publishOffer"]
    assert refused["__typename"] == "OrganizationNotVerified" and refused["messageZh"]  # not before verification
    assert (
        world.ok(VERIFY, {"id": org_gid}, world.admin)["verifyOrganization"]["organization"]["verificationStatus"]
        == "VERIFIED"
    )
    assert world.ok(PUBLISH, {"id": draft["offer"]["id"]}, org_staff)["publishOffer"]["offer"]["status"] == "PUBLISHED"

    app = bearer(settings, "app_client", subject="charity-platform", scopes=["offers:read"])
    for headers in (world.station(), app):
        edges = world.ok(OFFERS, {}, headers)["offers"]["edges"]
        blanket = next(e["node"] for e in edges if e["node"]["title"] == "冬季棉被")
        assert (
            blanket["availability"]["available"] == "30" and blanket["organization"]["name"] == "满洲里市社区发展基金会"
        )

    now = datetime.now(UTC)
    stats = world.ok(
        """query($s: DateTime!, $e: DateTime!) { linkageStats(regionCode: "1507", start: $s, end: $e) {
        fundSide { fundsRaised offersPublished } } }""",
        {"s": (now - timedelta(days=1)).isoformat(), "e": (now + timedelta(days=1)).isoformat()},
        world.admin,
    )
    assert stats["linkageStats"]["fundSide"]["offersPublished"] >= 1


def test_offer_writes_need_the_scope(world: World, settings: Settings) -> None:
    app = bearer(settings, "app_client", scopes=["offers:read"])
    body = gql(
        world.stack,
        CREATE,
        {"input": {"kind": "MATERIAL", "title": "x", "category": "FOOD", "quantity": 1, "regionPrefix": "15"}},
        app,
    )
    assert error_codes(body) == ["FORBIDDEN"]


def test_a_foundation_books_a_donation_and_anyone_reads_the_disclosure(world: World, settings: Settings) -> None:
    registered = world.ok(REGISTER, {"input": {
        "kind": "COMMUNITY_FOUNDATION", "name": "呼伦贝尔市社区发展基金会", "contactName": "钱", "contactPhone": "13900004444",
        "serviceRegions": ["1507"], "creditCode": credit_code("150702")}}, world.admin)["registerOrganization"]  # fmt: skip
    org_gid = registered["organization"]["id"]
    world.ok(VERIFY, {"id": org_gid}, world.admin)
    staff = bearer(settings, "org_staff", org_id=str(from_global_id(org_gid)[1]))
    fund = world.ok(CREATE, {"input": {"kind": "FUND", "title": "幸福9号助老基金", "amount": "0.10",
                                       "regionPrefix": "1507"}}, staff)["createOffer"]  # fmt: skip
    assert fund["__typename"] == "OfferSaved", fund
    world.ok(PUBLISH, {"id": fund["offer"]["id"]}, staff)
    donation = world.ok(
        """mutation($f: ID!) { recordDonation(fundId: $f, amount: "0.20", donorName: "王小明", reference: "RCPT-1") {
           __typename ... on DonationRecorded { amount } } }""",
        {"f": fund["offer"]["id"]},
        staff,
    )["recordDonation"]
    assert donation == {"__typename": "DonationRecorded", "amount": "0.20"}
    disclosure = gql(
        world.stack,
        "query($f: ID!) { fundDisclosure(fundId: $f) { income balance entries { amount donor } } }",
        {"f": fund["offer"]["id"]},
    )["data"]["fundDisclosure"]
    assert (disclosure["income"], disclosure["balance"]) == ("0.30", "0.30")
    assert {"amount": "0.20", "donor": "王**"} in disclosure["entries"]


def test_an_app_with_offers_write_publishes_for_its_organisation(world: World, settings: Settings) -> None:
    registered = world.ok(REGISTER, {"input": {
        "kind": "CHARITY", "name": "草原公益平台合作慈善会", "contactName": "周", "contactPhone": "13900005555",
        "serviceRegions": ["150781"], "creditCode": credit_code("150781")}}, world.admin)["registerOrganization"]  # fmt: skip
    org_gid = registered["organization"]["id"]
    world.ok(VERIFY, {"id": org_gid}, world.admin)
    app = bearer(settings, "app_client", subject="charity-platform", org_id=str(from_global_id(org_gid)[1]),
                 scopes=["offers:write", "offers:read"])  # fmt: skip
    draft = world.ok(CREATE, {"input": {"kind": "MATERIAL", "title": "儿童绘本", "category": "BOOKS", "quantity": 40,
                                        "regionPrefix": "150781"}}, app)["createOffer"]  # fmt: skip
    assert draft["__typename"] == "OfferSaved", draft
    assert world.ok(PUBLISH, {"id": draft["offer"]["id"]}, app)["publishOffer"]["offer"]["status"] == "PUBLISHED"
    paused = world.ok("mutation($id: ID!) { pauseOffer(offerId: $id) { ... on OfferSaved { offer { status } } } }",
                      {"id": draft["offer"]["id"]}, app)  # fmt: skip
    assert paused["pauseOffer"]["offer"]["status"] == "PAUSED"
    other = bearer(settings, "app_client", subject="charity-platform", scopes=["offers:write"])  # no organisation named
    body = gql(world.stack, CREATE, {"input": {"kind": "MATERIAL", "title": "x", "category": "FOOD", "quantity": 1,
                                               "regionPrefix": "150781"}}, other)  # fmt: skip
    assert error_codes(body) == ["FORBIDDEN"]


DONATE = """mutation($f: ID!, $key: String, $ref: String!) { recordDonation(fundId: $f, amount: "200.00",
  donorName: "满洲里市某商贸公司", reference: $ref, donorIsIndividual: false, idempotencyKey: $key) {
  __typename ... on DonationRecorded { amount reference at } ... on DuplicateReference { code reference messageZh } } }"""


def test_a_donation_is_booked_once_per_key_and_per_receipt_reference(world: World, settings: Settings) -> None:
    registered = world.ok(REGISTER, {"input": {
        "kind": "COMMUNITY_FOUNDATION", "name": "满洲里市社区发展基金会", "contactName": "孙", "contactPhone": "13900006666",
        "serviceRegions": ["1507"], "creditCode": credit_code("150781")}}, world.admin)["registerOrganization"]  # fmt: skip
    org_gid = registered["organization"]["id"]
    world.ok(VERIFY, {"id": org_gid}, world.admin)
    staff = bearer(settings, "org_staff", org_id=str(from_global_id(org_gid)[1]))
    fund = world.ok(CREATE, {"input": {"kind": "FUND", "title": "冬日暖心基金", "amount": "1.00",
                                       "regionPrefix": "1507"}}, staff)["createOffer"]  # fmt: skip
    fund_id = fund["offer"]["id"]
    world.ok(PUBLISH, {"id": fund_id}, staff)
    first = world.ok(DONATE, {"f": fund_id, "key": "wx-1", "ref": "WX-20261201-0001"}, staff)["recordDonation"]
    assert first["__typename"] == "DonationRecorded"
    assert world.ok(DONATE, {"f": fund_id, "key": "wx-1", "ref": "WX-20261201-0001"}, staff)["recordDonation"] == first
    again = world.ok(DONATE, {"f": fund_id, "key": "wx-2", "ref": "WX-20261201-0001"}, staff)["recordDonation"]
    assert again["__typename"] == "DuplicateReference" and again["reference"] == "WX-20261201-0001"
    assert again["code"] == "DUPLICATE_REFERENCE" and again["messageZh"]
    disclosure = gql(
        world.stack, "query($f: ID!) { fundDisclosure(fundId: $f) { income entries { reference } } }", {"f": fund_id}
    )["data"]["fundDisclosure"]
    assert disclosure["income"] == "201.00"
    assert [e["reference"] for e in disclosure["entries"]].count("WX-20261201-0001") == 1


def test_verification_answers_each_outcome_with_its_own_member(world: World, settings: Settings) -> None:
    decide = """mutation($id: ID!) { verifyOrganization(organizationId: $id) { __typename
      ... on OrganizationVerified { organization { verificationStatus } } ... on Conflict { code } }
      rejectOrganization(organizationId: $id) { __typename ... on OrganizationRejected { organization {
      verificationStatus } } ... on Conflict { code } ... on NotFound { messageZh } } }"""
    unknown = to_global_id("Organization", uuid.uuid4())
    assert world.ok(decide, {"id": unknown}, world.admin) == {
        "verifyOrganization": {"__typename": "NotFound"},
        "rejectOrganization": {"__typename": "NotFound", "messageZh": "组织不存在。"},
    }
    registered = world.ok(REGISTER, {"input": {
        "kind": "ENTERPRISE", "name": "满洲里市某口岸贸易公司", "contactName": "郑", "contactPhone": "13900009999",
        "serviceRegions": ["150781"], "creditCode": credit_code("150781")}}, world.admin)["registerOrganization"]  # fmt: skip
    reject = """mutation($id: ID!) { rejectOrganization(organizationId: $id) { __typename
      ... on OrganizationRejected { organization { verificationStatus } } ... on Conflict { code } } }"""
    org_gid = registered["organization"]["id"]
    assert world.ok(reject, {"id": org_gid}, world.admin)["rejectOrganization"] == {
        "__typename": "OrganizationRejected",
        "organization": {"verificationStatus": "REJECTED"},
    }
    again = world.ok(reject, {"id": org_gid}, world.admin)["rejectOrganization"]
    assert again == {"__typename": "Conflict", "code": "INVALID_TRANSITION"}  # already rejected
