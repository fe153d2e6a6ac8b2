"""A funding need met in parts does not go on counting a part whose hold was given back: the case
reconciler (services/case/needs/reconcile.py) drops it, and the need lacks that amount again."""

import time

import httpx
import pytest

from gateway.ids import from_global_id
from services.common.settings import Settings
from tests.e2e.test_gateway_case import _new_elder
from tests.e2e.test_station_day import ORG, PUBLISH, PUBLISH_OFFER, VERIFY_ORG, _ok
from tests.e2e.world import World
from tests.resources.factories import credit_code
from tests.support.auth import bearer

pytestmark = pytest.mark.e2e

FUND = """mutation($input: CreateOfferInput!) { createOffer(input: $input) { __typename ... on OfferSaved { offer { id } } } }"""
MATCH = """mutation($need: ID!, $fund: ID!) { matchOffer(input: {needId: $need, offerId: $fund, amount: "500.00",
  idempotencyKey: "part-reconcile-1"}) { __typename ... on MatchConfirmed { holdId need { state lackingAmount } } } }"""
NEED = """query($id: ID!) { node(id: $id) { ... on Need { state lackingAmount } } }"""


def test_a_part_whose_hold_was_released_is_dropped_and_the_need_lacks_it_again(
    world: World, settings: Settings
) -> None:
    case_id = _new_elder(world, 95)
    funding = {"caseId": case_id, "kind": "FUNDING", "title": "助学金", "amount": "800.00"}
    need_id = _ok(world, PUBLISH, {"input": funding}, world.station())["publishNeed"]["need"]["id"]
    org = {"kind": "COMMUNITY_FOUNDATION", "name": "满洲里市社区基金会（部分资助）", "contactName": "赵", "contactPhone": "13900002020",
           "serviceRegions": ["150781"], "creditCode": credit_code("150781")}  # fmt: skip
    org_id = _ok(world, ORG, {"input": org}, world.admin)["registerOrganization"]["organization"]["id"]
    _ok(world, VERIFY_ORG, {"id": org_id}, world.admin)
    org_staff = bearer(settings, "org_staff", org_id=str(from_global_id(org_id)[1]), region="150781")
    fund = {"kind": "FUND", "title": "助学基金（部分）", "regionPrefix": "150781", "amount": "500.00"}
    fund_id = _ok(world, FUND, {"input": fund}, org_staff)["createOffer"]["offer"]["id"]
    _ok(world, PUBLISH_OFFER, {"id": fund_id}, org_staff)

    matched = _ok(world, MATCH, {"need": need_id, "fund": fund_id}, world.station())["matchOffer"]
    assert matched["__typename"] == "MatchConfirmed", matched
    assert matched["need"] == {"state": "OPEN", "lackingAmount": "300.00"}  # met in part, open for the rest

    hold = str(from_global_id(matched["holdId"])[1])
    released = httpx.post(f"{world.stack.url('resources')}/v1/holds/{hold}/release", headers=org_staff, timeout=10)
    assert released.status_code == 200 and released.json()["state"] == "released", released.text
    deadline = time.monotonic() + 30  # the suite's reconciler looks every second
    while _ok(world, NEED, {"id": need_id}, world.station())["node"]["lackingAmount"] != "800.00":
        assert time.monotonic() < deadline, "the lapsed part was not dropped"
        time.sleep(0.5)
    assert _ok(world, NEED, {"id": need_id}, world.station())["node"] == {"state": "OPEN", "lackingAmount": "800.00"}
