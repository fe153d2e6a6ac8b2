"""Every attack class of bench/abuse.py is refused with its code, before any service is asked.

The gateway runs in-process with upstream URLs where nothing listens: a refusal never needs one.
"""

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.support.gateway import client_for, gateway_settings

GRAPHQL_RESPONSE = "application/graphql-response+json"
PAGE = (
    "edges { node { id kind state title description regionCode quantity estimatedValue visitsPerMonth visitMinutes"
    " amount deadline pendingUntil pendingReference matchedReference proofNote proofPhotoUrl feedback fulfilledAt"
    " version createdAt } }"
)  # 2 201 with first: 100


@pytest.fixture
async def gateway() -> AsyncIterator[httpx.AsyncClient]:
    async for client in client_for(gateway_settings()):
        yield client


def fan_out(fragments: int) -> str:
    chain = "".join(f"fragment F{i} on Query {{ __typename ...F{i + 1} ...F{i + 1} }} " for i in range(fragments))
    return "{ ...F0 } " + chain + f"fragment F{fragments} on Query {{ __typename }}"


def nested(levels: int) -> str:
    return "{ " + "health { " * levels + "status" + " }" * levels + " }"


def aliases_via_fragments(doublings: int) -> str:
    chain = "".join(f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }} " for i in range(doublings))
    return "{ ...F0 } " + chain + f"fragment F{doublings} on Query {{ a: __typename b: __typename }}"


DOCUMENTS = {
    "fragment fan-out": (fan_out(21), "QUERY_TOO_COSTLY"),
    "fragment fan-out at the token limit": (fan_out(160), "QUERY_TOO_COSTLY"),
    "depth": (nested(11), "QUERY_TOO_DEEP"),
    "nesting the parser refuses": ("{" + " a {" * 300 + " b" + " }" * 300 + " }", "QUERY_TOO_DEEP"),
    "aliases": ("{ " + " ".join(f"a{i}: __typename" for i in range(16)) + " }", "TOO_MANY_ALIASES"),
    "aliases via fragments": (aliases_via_fragments(30), "TOO_MANY_ALIASES"),
    "directives": ("{ __typename" + " @include(if: true)" * 51 + " }", "TOO_MANY_DIRECTIVES"),
    "tokens": ("{" + " __typename" * 2001 + " }", "TOO_MANY_TOKENS"),
    "comments": ("#\n" * 5000 + "{ __typename }", "TOO_MANY_TOKENS"),
    "repeated fields": ("{" + " health { status }" * 300 + " }", "QUERY_TOO_COMPLEX"),
    "negative first": ("{ needs(first: -1000) { totalCount } }", "BAD_USER_INPUT"),
    "a variable's default": (
        "query($n: Int! = 100) { " + " ".join(f"a{i}: needs(first: $n) {{ {PAGE} }}" for i in range(5)) + " }",
        "QUERY_TOO_COSTLY",
    ),
    "proposeMatches three times": (
        "{ "
        + " ".join(
            f'p{i}: proposeMatches(scope: {{regionCode: "15"}}, limit: 1) {{ summary {{ needs }} }}' for i in range(3)
        )
        + " }",
        "QUERY_TOO_COSTLY",
    ),
}


class TestDocuments:
    @pytest.mark.parametrize("attack", DOCUMENTS)
    async def test_each_attack_is_refused_with_its_code(self, gateway: httpx.AsyncClient, attack: str) -> None:
        query, code = DOCUMENTS[attack]
        response = await gateway.post("/graphql", json={"query": query})
        assert response.status_code == 200  # application/json: request errors are 200 (GraphQL over HTTP)
        body = response.json()
        assert body["data"] is None
        assert [e["extensions"]["code"] for e in body["errors"]] == [code]

    async def test_a_negative_variable_is_refused(self, gateway: httpx.AsyncClient) -> None:
        query = "query($n: Int!) { needs(first: $n) { totalCount } }"
        response = await gateway.post("/graphql", json={"query": query, "variables": {"n": -3}})
        assert response.json()["errors"][0]["extensions"] == {
            "code": "BAD_USER_INPUT",
            "messageZh": "first 不能为负数（Query.needs：-3）。",
            "argument": "first",
            "field": "Query.needs",
        }

    async def test_a_refused_cost_names_the_cost_and_the_limit(self, gateway: httpx.AsyncClient) -> None:
        response = await gateway.post("/graphql", json={"query": fan_out(21)})
        extensions = response.json()["errors"][0]["extensions"]
        assert extensions["cost"] == 2**22 - 1 and extensions["limit"] == 10_000

    async def test_validation_errors_point_into_the_document(self, gateway: httpx.AsyncClient) -> None:
        # Documents are cached without locations; one that fails validation is located again.
        for _ in range(2):
            response = await gateway.post("/graphql", json={"query": "{\n  nope\n}"})
            error = response.json()["errors"][0]
            assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
            assert error["locations"] == [{"line": 2, "column": 3}]

    async def test_a_query_within_the_limits_is_answered(self, gateway: httpx.AsyncClient) -> None:
        query = "{ ...V } fragment V on Query { vocabularies { name terms { code } } }"
        response = await gateway.post("/graphql", json={"query": query})
        assert response.status_code == 200
        assert "errors" not in response.json() and response.json()["data"]["vocabularies"]


class TestGraphQLOverHTTP:
    async def test_a_refused_document_is_a_400_without_data(self, gateway: httpx.AsyncClient) -> None:
        response = await gateway.post("/graphql", json={"query": nested(11)}, headers={"accept": GRAPHQL_RESPONSE})
        assert response.status_code == 400
        assert response.headers["content-type"] == GRAPHQL_RESPONSE
        body = response.json()
        assert "data" not in body and body["errors"][0]["extensions"]["code"] == "QUERY_TOO_DEEP"

    async def test_a_syntax_error_is_a_400(self, gateway: httpx.AsyncClient) -> None:
        response = await gateway.post("/graphql", json={"query": "{ a("}, headers={"accept": GRAPHQL_RESPONSE})
        assert response.status_code == 400
        assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"

    async def test_an_answer_is_a_200_in_the_media_type_asked_for(self, gateway: httpx.AsyncClient) -> None:
        accept = f"{GRAPHQL_RESPONSE}, application/json;q=0.9"
        response = await gateway.post("/graphql", json={"query": "{ __typename }"}, headers={"accept": accept})
        assert response.status_code == 200
        assert response.headers["content-type"] == GRAPHQL_RESPONSE
        assert response.json()["data"] == {"__typename": "Query"}

    async def test_variables_that_do_not_coerce_are_a_400(self, gateway: httpx.AsyncClient) -> None:
        query = "query($n: Int!) { needs(first: $n) { totalCount } }"
        body = {"query": query, "variables": {"n": "many"}}
        response = await gateway.post("/graphql", json=body, headers={"accept": GRAPHQL_RESPONSE})
        assert response.status_code == 400 and "data" not in response.json()

    async def test_a_field_error_is_a_200_with_data(self, gateway: httpx.AsyncClient) -> None:
        response = await gateway.post(
            "/graphql", json={"query": "{ viewer { subject } }"}, headers={"accept": GRAPHQL_RESPONSE}
        )
        assert response.status_code == 200
        assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

    async def test_json_is_kept_when_preferred(self, gateway: httpx.AsyncClient) -> None:
        accept = f"application/json, {GRAPHQL_RESPONSE};q=0.5"
        response = await gateway.post("/graphql", json={"query": nested(11)}, headers={"accept": accept})
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"


def raw(body: bytes) -> dict[str, Any]:
    return {"content": body, "headers": {"content-type": "application/json"}}


BODIES = {
    "deep JSON": (
        raw(b'{"query": "{ __typename }", "variables": {"v": ' + b"[" * 5000 + b"]" * 5000 + b"}}"),
        400,
        "JSON_TOO_DEEP",
    ),
    "JSON deeper than the setting": (
        raw(b'{"query": "{ __typename }", "variables": {"v": ' + b"[" * 40 + b"]" * 40 + b"}}"),
        400,
        "JSON_TOO_DEEP",
    ),
    "invalid UTF-8": (raw(b'{"query": "{ __typename }", "x": "\xff\xfe"}'), 400, "INVALID_ENCODING"),
    "malformed JSON": (raw(b'{"query": '), 400, "MALFORMED_JSON"),
    "oversized variables": (
        {"json": {"query": "{ __typename }", "variables": {"k": ["MICRO_WISH"] * 2000}}},
        400,
        "VARIABLES_TOO_LARGE",
    ),
    "big body": ({"json": {"query": "{ __typename }", "pad": "x" * 100_000}}, 413, "PAYLOAD_TOO_LARGE"),
    "a form": (
        {"content": b"query=%7B__typename%7D", "headers": {"content-type": "application/x-www-form-urlencoded"}},
        415,
        "UNSUPPORTED_MEDIA_TYPE",
    ),
    "a batch": ({"json": [{"query": "{ __typename }"}]}, 400, "BAD_GRAPHQL_REQUEST"),
    "no query": ({"json": {"variables": {}}}, 400, "BAD_GRAPHQL_REQUEST"),
    "a query that is no string": ({"json": {"query": 5}}, 400, "BAD_GRAPHQL_REQUEST"),
    "an unknown operation": (
        {"json": {"query": "query A { __typename }", "operationName": "B"}},
        400,
        "BAD_GRAPHQL_REQUEST",
    ),
}


class TestBodies:
    @pytest.mark.parametrize("attack", BODIES)
    async def test_each_is_refused_as_problem_json(self, gateway: httpx.AsyncClient, attack: str) -> None:
        request, status, code = BODIES[attack]
        response = await gateway.post("/graphql", **request)
        assert response.status_code == status
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == code

    async def test_deep_variables_over_get_are_refused(self, gateway: httpx.AsyncClient) -> None:
        params = {"query": "{ __typename }", "variables": "[" * 5000 + "]" * 5000}
        response = await gateway.get("/graphql", params=params)
        assert response.status_code == 400
        assert response.json()["code"] == "JSON_TOO_DEEP"

    async def test_a_mutation_over_get_is_problem_json(self, gateway: httpx.AsyncClient) -> None:
        response = await gateway.get("/graphql", params={"query": "mutation { __typename }"})
        assert response.status_code == 400
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == "BAD_GRAPHQL_REQUEST"
