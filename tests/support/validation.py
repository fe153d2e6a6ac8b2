"""Asserting that bad input was refused the way every service refuses it: 422 problem+json."""

import json
from typing import Any

import httpx

# What a text field must refuse: NUL (PostgreSQL cannot store it), other control characters
# (escape, delete, a C1 control) and a lone surrogate (no UTF-8 for it).
UNSTORABLE = ["收音\x00机", "收音\x1b机", "收音\x7f机", "收音\x85机", "收音\ud800机"]


def assert_refused(response: httpx.Response, *loc: str | int) -> dict[str, object]:
    """A 422 VALIDATION_FAILED whose errors name the field at `loc`, in English and zh-CN."""
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem: dict[str, object] = response.json()
    assert problem["code"] == "VALIDATION_FAILED", problem
    errors = problem["errors"]
    assert isinstance(errors, list)
    named = [e for e in errors if tuple(e["loc"])[-len(loc) :] == loc]
    assert named, f"no error at {loc}: {errors}"
    english, _, chinese = named[0]["msg"].partition(" / ")
    assert english and chinese, named[0]
    return problem


async def send_json(
    client: httpx.AsyncClient, method: str, url: str, body: Any, headers: dict[str, str]
) -> httpx.Response:
    """Send `body` as JSON with non-ASCII escaped, as a client may: httpx itself cannot send a lone surrogate."""
    return await client.request(
        method, url, content=json.dumps(body).encode(), headers={**headers, "Content-Type": "application/json"}
    )
