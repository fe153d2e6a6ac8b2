"""The case side of the graph, end to end: real services, real HTTP, one GraphQL endpoint."""

import uuid
from datetime import date
from typing import Any

import httpx
import pytest

from services.common.settings import Settings
from tests.case.factories import make_id_number
from tests.e2e.world import World
from tests.support.auth import bearer
from tests.support.graphql import error_codes, gql

pytestmark = pytest.mark.e2e

CREATE_RECIPIENT = """
mutation($input: CreateRecipientInput!, $key: String) { createRecipient(input: $input, idempotencyKey: $key) {
  __typename ... on RecipientCreated { recipient { id name idNumber } } ... on Conflict { code message }
  ... on RecipientAlreadyRecorded { existingRecipientId maskedName } } }"""
OPEN_CASE = """mutation($input: OpenCaseInput!) { openCase(input: $input) { __typename ... on CaseOpened { case { id state } } } }"""
ADVANCE = """mutation($id: ID!, $to: CaseState!) { advanceCase(caseId: $id, toState: $to) {
  __typename ... on CaseAdvanced { case { state } } ... on Conflict { code currentState allowed } } }"""
PUBLISH = """mutation($input: PublishNeedInput!) { publishNeed(input: $input) {
  __typename ... on NeedPublished { need { id state estimatedValue } } ... on InvalidInput { message fields } } }"""
DASHBOARD = """query($first: Int!) { needs(first: $first, filter: {state: OPEN}) {
  edges { cursor node { id title quantity estimatedValue
    recipient { name age categories idNumber phone platform { name } }
    case { state domain recipient { name } }
    platform { name level regionCode } } }
  pageInfo { hasNextPage endCursor } } }"""
FEED = (
    """query { publicWishes(first: 50, filter: {region: "1507"}) { edges { node { id display countyName title } } } }"""
)


def _new_elder(world: World, n: int) -> str:
    birth = date(1940, 1, 1 + n % 28)
    recipient = world.ok(
        CREATE_RECIPIENT,
        {
            "input": {
                "platformId": _gid("Platform", world.station_id),
                "regionCode": "150781001",
                "name": f"王秀{n}",
                "gender": "FEMALE",
                "birthDate": birth.isoformat(),
                "categories": ["ELDERLY", "LIVING_ALONE", "TEKUN"],
                "idNumber": make_id_number("150781", birth, n),
                "phone": "13812345678",
                "consent": {"givenBy": "本人", "givenAt": "2026-11-01T00:00:00Z", "purpose": "救助"},
            }
        },
        world.station(),
    )
    case = world.ok(
        OPEN_CASE,
        {"input": {"recipientId": recipient["createRecipient"]["recipient"]["id"], "domain": "ELDERLY"}},
        world.station(),
    )
    case_id = case["openCase"]["case"]["id"]
    world.ok(ADVANCE, {"id": case_id, "to": "ASSESSMENT"}, world.station())
    return case_id


def _gid(type_name: str, local: str) -> str:
    from gateway.ids import to_global_id

    return to_global_id(type_name, local)


def _publish(world: World, case_id: str, title: str = "一台收音机") -> dict[str, Any]:
    return world.ok(
        PUBLISH,
        {
            "input": {
                "caseId": case_id,
                "kind": "MICRO_WISH",
                "title": title,
                "itemCategory": "SMALL_APPLIANCE",
                "quantity": 1,
                "estimatedValue": "89.90",
            }
        },
        world.station(),
    )["publishNeed"]


class TestStationDashboard:
    def test_needs_with_relations_cost_a_constant_number_of_upstream_calls(self, world: World) -> None:
        case_ids = [_new_elder(world, n) for n in range(1, 13)]
        for case_id in case_ids:
            assert _publish(world, case_id)["__typename"] == "NeedPublished"
        small = gql(world.stack, DASHBOARD, {"first": 3}, world.station())
        large = gql(world.stack, DASHBOARD, {"first": 12}, world.station())
        assert "errors" not in large, large
        edges = large["data"]["needs"]["edges"]
        assert len(edges) == 12
        node = edges[0]["node"]
        assert node["recipient"]["name"].startswith("王秀") and node["recipient"]["platform"] is not None
        assert node["case"]["state"] == "ASSESSMENT" and node["platform"]["level"] == "STATION"
        assert node["estimatedValue"] == "89.90"
        # needs page + recipients + cases + platforms; deeper relations reuse what was fetched
        assert small["extensions"]["upstreamCalls"] == large["extensions"]["upstreamCalls"] == 4

    def test_illegal_case_step_is_a_conflict_result(self, world: World) -> None:
        case_id = _new_elder(world, 20)
        result = world.ok(ADVANCE, {"id": case_id, "to": "EVALUATION"}, world.station())["advanceCase"]
        assert result["__typename"] == "Conflict"
        assert result["code"] == "INVALID_TRANSITION" and result["currentState"] == "assessment"

    def test_duplicate_recipient_is_a_conflict_and_bad_input_is_invalid(self, world: World) -> None:
        birth = date(1950, 5, 5)
        variables = {
            "input": {
                "platformId": _gid("Platform", world.station_id),
                "regionCode": "150781001",
                "name": "张三",
                "gender": "MALE",
                "birthDate": birth.isoformat(),
                "categories": ["DIBAO"],
                "idNumber": make_id_number("150781", birth, 999),
                "consent": {"givenBy": "本人", "givenAt": "2026-11-01T00:00:00Z", "purpose": "救助"},
            }
        }
        first = world.ok(CREATE_RECIPIENT, {**variables, "key": "dup-1"}, world.station())["createRecipient"]
        assert first["__typename"] == "RecipientCreated"
        replay = world.ok(CREATE_RECIPIENT, {**variables, "key": "dup-1"}, world.station())["createRecipient"]
        assert replay == first
        again = world.ok(CREATE_RECIPIENT, variables, world.station())["createRecipient"]
        assert again == {
            "__typename": "RecipientAlreadyRecorded",
            "existingRecipientId": first["recipient"]["id"],
            "maskedName": "张*",
        }
        variables["input"]["idNumber"] = "150781195005059990"
        bad = gql(world.stack, CREATE_RECIPIENT, variables, world.station())["data"]["createRecipient"]
        assert bad["__typename"] == "InvalidInput"


class TestWhoMaySeeWhat:
    def test_app_client_reads_the_feed_but_nothing_personal(self, world: World, settings: Settings) -> None:
        _publish(world, _new_elder(world, 30), "一件羽绒服")
        app = bearer(settings, "app_client", subject="wechat-mini", scopes=["wishes:read"])
        feed = gql(world.stack, FEED, headers=app)
        assert "errors" not in feed
        displays = [e["node"]["display"] for e in feed["data"]["publicWishes"]["edges"]]
        assert any(d.endswith("，心愿：一件羽绒服") for d in displays)
        assert not any(d.startswith("王") for d in displays)  # the feed names no one
        for query in (
            "{ needs { edges { node { title recipient { name } } } } }",
            "{ recipients { edges { node { name } } } }",
            "{ cases { edges { node { id } } } }",
        ):
            body = gql(world.stack, query, headers=app)
            assert error_codes(body) == ["FORBIDDEN"], body

    def test_app_without_wishes_read_is_refused_the_feed(self, world: World, settings: Settings) -> None:
        app = bearer(settings, "app_client", subject="other-app", scopes=["offers:write"])
        assert error_codes(gql(world.stack, FEED, headers=app)) == ["FORBIDDEN"]

    def test_anonymous_reads_only_feed_and_health(self, world: World) -> None:
        assert "errors" not in gql(world.stack, FEED)
        assert error_codes(gql(world.stack, "{ recipients { edges { node { name } } } }")) == ["UNAUTHENTICATED"]
        assert "errors" not in gql(world.stack, "{ health { status } }")

    def test_other_station_sees_none_of_these_needs(self, world: World, settings: Settings) -> None:
        other = bearer(settings, "station_staff", platform_id=uuid.uuid4(), region="150102")
        body = gql(world.stack, "{ needs { edges { node { id } } } }", headers=other)
        assert body["data"]["needs"]["edges"] == []

    def test_node_by_global_id_respects_scope(self, world: World, settings: Settings) -> None:
        need = _publish(world, _new_elder(world, 40))["need"]
        query = "query($id: ID!) { node(id: $id) { id ... on Need { title recipient { name } } } }"
        mine = gql(world.stack, query, {"id": need["id"]}, world.station())
        assert mine["data"]["node"]["recipient"]["name"].startswith("王秀")
        other = bearer(settings, "station_staff", platform_id=uuid.uuid4())
        assert gql(world.stack, query, {"id": need["id"]}, other)["data"]["node"] is None


class TestAbuseLimits:
    def test_deep_query_is_refused(self, world: World) -> None:
        deep = "{ viewer { platform " + "{ parent " * 28 + "{ id }" + " }" * 28 + " } }"
        body = gql(world.stack, deep, headers=world.station())
        assert body.get("data") is None and body["errors"]

    def test_hundred_aliases_are_refused(self, world: World) -> None:
        query = "{ " + " ".join(f"a{i}: health {{ status }}" for i in range(100)) + " }"
        body = gql(world.stack, query)
        assert body.get("data") is None and "alias" in body["errors"][0]["message"].lower()

    def test_one_megabyte_query_is_refused_quickly(self, world: World) -> None:
        query = "{ health { status } }" + " " * (1024 * 1024)
        response = httpx.post(f"{world.stack.url('gateway')}/graphql", json={"query": query}, timeout=10)
        assert response.status_code == 413
        assert response.json()["code"] == "PAYLOAD_TOO_LARGE"

    def test_costly_query_is_refused_and_a_dashboard_is_not(self, world: World) -> None:
        fields = (
            "id title state kind quantity amount deadline version description regionCode createdAt "
            "recipient { name age idNumber phone address platform { name level regionCode } } "
            "case { state domain riskLevel summary platform { name } }"
        )
        costly = (
            "{ " + " ".join(f"p{i}: needs(first: 100) {{ edges {{ node {{ {fields} }} }} }}" for i in range(4)) + " }"
        )
        body = gql(world.stack, costly, headers=world.station())
        assert error_codes(body) == ["QUERY_TOO_COSTLY"] and body.get("data") is None
        assert "errors" not in gql(world.stack, DASHBOARD, {"first": 100}, world.station())
