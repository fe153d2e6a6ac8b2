"""Holds and pledges read back through GraphQL by their owners only, and a donor's withdrawal (issue 18).

The holds and pledges are written over REST (the way the linking saga and donor apps write them),
so these tests depend on nothing but the resources read side and `withdrawPledge`."""

import uuid
from typing import Any

import httpx
import pytest

from gateway.ids import from_global_id, to_global_id
from services.common.settings import Settings
from tests.e2e.test_gateway_case import _new_elder, _publish
from tests.e2e.test_gateway_resources import CREATE, PUBLISH, REGISTER, VERIFY
from tests.e2e.world import World
from tests.resources.factories import credit_code
from tests.support.auth import bearer
from tests.support.graphql import error_codes, gql

pytestmark = pytest.mark.e2e

HOLDS = """query($f: HoldFilter) { holds(filter: $f) { edges { node { id needId needTitle quantity amount state
  expiresAt offer { title } } } } }"""
HOLD_NODE = """query($id: ID!) { node(id: $id) { __typename ... on Hold { needTitle state quantity } } }"""
PLEDGES = """query($f: PledgeFilter) { pledges(filter: $f) { edges { node { id wishId holdId holdState expiresAt
  category quantity donorName hold { state } } } } }"""
WITHDRAW = """mutation($id: ID!) { withdrawPledge(pledgeId: $id) { __typename
  ... on PledgeWithdrawn { pledge { id holdState } } ... on PledgeConfirmed { messageZh } ... on NotFound { message } } }"""
WISH = """query($id: ID!) { node(id: $id) { ... on PublicWish { state } } }"""


def _post(url: str, headers: dict[str, str], body: dict[str, Any] | None = None) -> dict[str, Any]:
    response = httpx.post(url, json=body or {}, headers=headers, timeout=10)
    assert response.status_code in (200, 201), response.text
    result: dict[str, Any] = response.json()
    return result


def _organization(world: World, settings: Settings, name: str) -> tuple[str, dict[str, str]]:
    registered = world.ok(REGISTER, {"input": {
        "kind": "CHARITY", "name": name, "contactName": "吴", "contactPhone": "13900008888",
        "serviceRegions": ["150781"], "creditCode": credit_code("150781")}}, world.admin)["registerOrganization"]  # fmt: skip
    org_gid = registered["organization"]["id"]
    world.ok(VERIFY, {"id": org_gid}, world.admin)
    return org_gid, bearer(settings, "org_staff", org_id=str(from_global_id(org_gid)[1]), subject=f"staff-{name}")


def test_a_hold_is_read_by_the_charity_and_the_station_and_by_nobody_else(world: World, settings: Settings) -> None:
    _, staff = _organization(world, settings, "满洲里市暖阳慈善会")
    offer = world.ok(CREATE, {"input": {"kind": "MATERIAL", "title": "电暖器", "category": "SMALL_APPLIANCE",
                                        "quantity": 5, "regionPrefix": "150781"}}, staff)["createOffer"]  # fmt: skip
    world.ok(PUBLISH, {"id": offer["offer"]["id"]}, staff)
    need = _publish(world, _new_elder(world, 731), "一台电暖器")["need"]
    need_id = str(from_global_id(need["id"])[1])
    ticket = _post(f"{world.stack.url('case')}/v1/needs/{need_id}/ticket", world.station())["ticket"]
    hold = _post(
        f"{world.stack.url('resources')}/v1/holds",
        world.station(),
        {"need_id": need_id, "need_ticket": ticket, "offer_id": str(from_global_id(offer["offer"]["id"])[1]),
         "quantity": 1},
    )  # fmt: skip
    hold_gid = to_global_id("Hold", hold["id"])

    owed = world.ok(HOLDS, {"f": {"offerId": offer["offer"]["id"]}}, staff)["holds"]["edges"]
    assert [e["node"] for e in owed] == [
        {
            "id": hold_gid,
            "needId": need["id"],
            "needTitle": "一台电暖器",
            "quantity": 1,
            "amount": None,
            "state": "HELD",
            "expiresAt": owed[0]["node"]["expiresAt"],
            "offer": {"title": "电暖器"},
        }
    ]
    assert owed[0]["node"]["expiresAt"].endswith("Z")
    station_view = world.ok(HOLDS, {"f": {"needId": need["id"]}}, world.station())["holds"]["edges"]
    assert [e["node"]["id"] for e in station_view] == [hold_gid]
    assert world.ok(HOLD_NODE, {"id": hold_gid}, world.station())["node"] == {
        "__typename": "Hold",
        "needTitle": "一台电暖器",
        "state": "HELD",
        "quantity": 1,
    }

    other_station = bearer(settings, "station_staff", platform_id=str(uuid.uuid4()), region="150781")
    other_org = bearer(settings, "org_staff", org_id=str(uuid.uuid4()))
    for stranger in (other_station, other_org):
        assert world.ok(HOLDS, {"f": {"needId": need["id"]}}, stranger)["holds"]["edges"] == []
        assert world.ok(HOLD_NODE, {"id": hold_gid}, stranger)["node"] is None
    raw = gql(world.stack, HOLDS, {"f": {"needId": need_id}}, world.station())
    assert error_codes(raw) == ["BAD_USER_INPUT"]


def _pledge(world: World, app: dict[str, str], need_gid: str) -> dict[str, Any]:
    """A donor app's pledge and claim of a wish, over REST as a mini-program would send them."""
    wish = str(from_global_id(need_gid)[1])
    case_url, resources_url = world.stack.url("case"), world.stack.url("resources")
    ticket = _post(f"{case_url}/v1/public-wishes/{wish}/ticket", app)["ticket"]
    body = {"need_id": wish, "need_ticket": ticket, "donor_name": "李明", "donor_contact": "13900002222",
            "title": "一台收音机", "category": "small_appliance", "quantity": 1}  # fmt: skip
    pledge = _post(f"{resources_url}/v1/pledges", app, body)
    _post(f"{case_url}/v1/public-wishes/{wish}/claim", app, {"receipt": pledge["receipt"]})
    return pledge


def test_a_donor_app_sees_its_pledge_until_it_lapses_and_withdraws_it(world: World, settings: Settings) -> None:
    app = bearer(settings, "app_client", subject="mini-program-733", scopes=["wishes:read", "wishes:claim"])
    other_app = bearer(settings, "app_client", subject="mini-program-734", scopes=["wishes:read", "wishes:claim"])
    need = _publish(world, _new_elder(world, 733), "一台收音机")["need"]
    wish_gid = to_global_id("PublicWish", from_global_id(need["id"])[1])
    pledge = _pledge(world, app, need["id"])
    pledge_gid = to_global_id("Pledge", pledge["id"])

    mine = world.ok(PLEDGES, {"f": {"wishId": wish_gid}}, app)["pledges"]["edges"]
    assert [e["node"] for e in mine] == [
        {
            "id": pledge_gid,
            "wishId": wish_gid,
            "holdId": to_global_id("Hold", pledge["hold_id"]),
            "holdState": "HELD",
            "expiresAt": mine[0]["node"]["expiresAt"],
            "category": "SMALL_APPLIANCE",
            "quantity": 1,
            "donorName": "李明",
            "hold": {"state": "HELD"},
        }
    ]
    assert mine[0]["node"]["expiresAt"] > pledge["created_at"][:19]
    assert world.ok(PLEDGES, {"f": {"wishId": wish_gid}}, other_app)["pledges"]["edges"] == []
    assert world.ok(WITHDRAW, {"id": pledge_gid}, other_app)["withdrawPledge"]["__typename"] == "NotFound"
    station_view = world.ok(PLEDGES, {"f": {"wishId": need["id"]}}, world.station())["pledges"]["edges"]
    assert [e["node"]["id"] for e in station_view] == [pledge_gid]

    withdrawn = world.ok(WITHDRAW, {"id": pledge_gid}, app)["withdrawPledge"]
    assert withdrawn == {"__typename": "PledgeWithdrawn", "pledge": {"id": pledge_gid, "holdState": "RELEASED"}}
    assert world.ok(WITHDRAW, {"id": pledge_gid}, app)["withdrawPledge"] == withdrawn  # a repeat answers the same
    assert world.ok(WISH, {"id": wish_gid}, app)["node"]["state"] == "OPEN"  # open to other donors again
    assert error_codes(gql(world.stack, WITHDRAW, {"id": pledge["id"]}, app)) == ["BAD_USER_INPUT"]


def test_a_pledge_the_station_confirmed_is_not_withdrawn_by_the_donor(world: World, settings: Settings) -> None:
    app = bearer(settings, "app_client", subject="mini-program-735", scopes=["wishes:read", "wishes:claim"])
    need = _publish(world, _new_elder(world, 735), "一副老花镜")["need"]
    pledge = _pledge(world, app, need["id"])
    _post(f"{world.stack.url('resources')}/v1/holds/{pledge['hold_id']}/commit", world.station())
    refused = world.ok(WITHDRAW, {"id": to_global_id("Pledge", pledge["id"])}, app)["withdrawPledge"]
    assert refused["__typename"] == "PledgeConfirmed" and refused["messageZh"]
