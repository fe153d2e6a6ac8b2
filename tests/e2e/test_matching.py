"""proposeMatches over real services, and confirming a proposal."""

import httpx
import pytest

from services.common.settings import Settings
from tests.e2e.test_gateway_case import _new_elder
from tests.e2e.world import World
from tests.resources.factories import credit_code
from tests.support.auth import bearer
from tests.support.graphql import error_codes, gql

pytestmark = pytest.mark.e2e

PROPOSE = """query($platform: ID!) { proposeMatches(scope: {platformId: $platform}, kinds: [MICRO_WISH]) {
  proposals { resourceKind quantity score reasons scoreParts { name value } resourceIdGlobal
              need { id title } offer { title availability { available } } }
  summary { needs needsMet weightedValue greedyNeedsMet greedyWeightedValue method }
  unmet { reasons need { id } } } }"""
CONFIRM = """mutation($need: ID!, $offer: ID!) { matchOffer(input: {needId: $need, offerId: $offer, idempotencyKey: "match-1"}) {
  __typename ... on MatchConfirmed { need { state } } } }"""


def _rest(world: World, service: str, path: str, headers: dict[str, str], body: object = None) -> dict:
    response = httpx.post(f"{world.stack.url(service)}{path}", json=body or {}, headers=headers, timeout=10)
    assert response.status_code < 300, response.text
    return response.json()


def test_proposals_explain_themselves_and_can_be_confirmed(world: World, settings: Settings) -> None:
    org = _rest(
        world,
        "resources",
        "/v1/organizations",
        world.admin,
        {
            "kind": "enterprise",
            "name": "满洲里市某电器公司",
            "credit_code": credit_code("150781"),
            "contact_name": "孙",
            "contact_phone": "13900003333",
            "service_regions": ["150781"],
        },
    )
    _rest(world, "resources", f"/v1/organizations/{org['id']}/verify", world.admin)
    staff = bearer(settings, "org_staff", org_id=org["id"])
    offer = _rest(
        world,
        "resources",
        "/v1/offers",
        staff,
        {
            "kind": "material",
            "title": "老年助行器",
            "category": "mobility_aid",
            "quantity": 1,
            "region_prefix": "150781",
        },
    )
    _rest(world, "resources", f"/v1/offers/{offer['id']}/publish", staff)
    needs = []
    for n in (201, 202):
        case_id = _new_elder(world, n)
        published = world.ok(
            """mutation($input: PublishNeedInput!) { publishNeed(input: $input) {
            ... on NeedPublished { need { id } } } }""",
            {
                "input": {
                    "caseId": case_id,
                    "kind": "MICRO_WISH",
                    "title": "一副助行器",
                    "itemCategory": "MOBILITY_AID",
                    "quantity": 1,
                }
            },
            world.station(),
        )
        needs.append(published["publishNeed"]["need"]["id"])

    body = world.ok(PROPOSE, {"platform": world.station_gid()}, world.station())["proposeMatches"]
    walker = [p for p in body["proposals"] if p["offer"] and p["offer"]["title"] == "老年助行器"]
    assert len(walker) == 1  # one walker, two elders: it goes to exactly one of them
    proposal = walker[0]
    assert proposal["need"]["id"] in needs and proposal["reasons"]
    (other,) = set(needs) - {proposal["need"]["id"]}  # the elder the one walker did not go to, and why
    unmet = {u["need"]["id"]: u["reasons"] for u in body["unmet"]}
    assert "ranked higher" in unmet[other][0] and "优先" in unmet[other][0], unmet
    assert abs(sum(part["value"] for part in proposal["scoreParts"]) - proposal["score"]) < 0.01
    assert body["summary"]["weightedValue"] >= body["summary"]["greedyWeightedValue"]

    confirmed = world.ok(
        CONFIRM, {"need": proposal["need"]["id"], "offer": proposal["resourceIdGlobal"]}, world.station()
    )
    assert confirmed["matchOffer"] == {"__typename": "MatchConfirmed", "need": {"state": "MATCHED"}}


def test_only_station_staff_may_ask(world: World, settings: Settings) -> None:
    app = bearer(settings, "app_client", scopes=["wishes:read"])
    assert error_codes(gql(world.stack, PROPOSE, {"platform": world.station_gid()}, app)) == ["FORBIDDEN"]
    elsewhere = bearer(settings, "station_staff", platform_id=world.station_id, region="1501")
    assert error_codes(gql(world.stack, PROPOSE, {"platform": world.station_gid()}, elsewhere)) == ["FORBIDDEN"]


def test_wushe_match_prints_proposals_as_json(world: World) -> None:
    import json
    import subprocess
    import sys

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "wushe_cli.main",
            "match",
            "--region",
            "150781",
            "--platform",
            world.station_id,
            "--gateway-url",
            world.stack.url("gateway"),
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    summary = json.loads(result.stdout)["summary"]
    assert summary["needs"] >= 1 and summary["weightedValue"] >= summary["greedyWeightedValue"]
