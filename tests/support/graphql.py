"""Talking to the running gateway over HTTP, as a client would."""

from typing import Any

import httpx

from wushe_cli.stack import Stack


def gql(
    stack: Stack, query: str, variables: dict[str, Any] | None = None, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    response = httpx.post(
        f"{stack.url('gateway')}/graphql",
        json={"query": query, "variables": variables or {}},
        headers=headers or {},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def error_codes(body: dict[str, Any]) -> list[str]:
    return [e.get("extensions", {}).get("code", "") for e in body.get("errors", [])]
