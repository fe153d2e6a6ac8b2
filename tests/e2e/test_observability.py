"""Metrics on every process, and one GraphQL request as one trace across the services it touched."""

import json
import time
import uuid
from pathlib import Path

import httpx
import pytest

from tests.e2e.test_gateway_case import _new_elder, _publish
from tests.e2e.world import World

pytestmark = pytest.mark.e2e

DASHBOARD = "{ needs(first: 5) { edges { node { title recipient { name } case { state } platform { name } } } } }"


def _lines(log: Path, request_id: str) -> list[dict]:
    found = []
    for line in log.read_text(encoding="utf-8").splitlines():
        if request_id in line:
            try:
                found.append(json.loads(line))
            except ValueError:
                continue
    return found


def _lines_eventually(log: Path, request_id: str, count: int = 1, timeout_s: float = 5.0) -> list[dict]:
    deadline = time.monotonic() + timeout_s
    while len(found := _lines(log, request_id)) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    return found


def test_one_graphql_request_is_one_trace_in_every_service_it_touched(world: World) -> None:
    _publish(world, _new_elder(world, 300), "一盏台灯")  # so the dashboard has rows and relations to fetch
    request_id = f"trace-{uuid.uuid4().hex[:12]}"
    response = httpx.post(
        f"{world.stack.url('gateway')}/graphql",
        json={"query": DASHBOARD},
        headers={**world.station(), "X-Request-ID": request_id},
        timeout=10,
    )
    assert response.status_code == 200 and "errors" not in response.json()
    assert world.stack.log_dir is not None
    log_dir = world.stack.log_dir
    # Each access line is written once its response has gone out: give a busy machine a moment.
    gateway_lines = _lines_eventually(log_dir / "gateway.log", request_id)
    case_lines = _lines_eventually(log_dir / "case.log", request_id, count=4)
    assert gateway_lines and case_lines
    trace_ids = {line.get("trace_id") for line in gateway_lines + case_lines}
    assert len(trace_ids) == 1 and None not in trace_ids, trace_ids
    assert len([line for line in case_lines if line["logger"] == "wushe.access"]) == 4  # the page and three batches


def test_metrics_on_every_process(world: World) -> None:
    httpx.post(f"{world.stack.url('gateway')}/graphql", json={"query": DASHBOARD}, headers=world.station(), timeout=10)
    for name in ("gateway", "case", "resources", "volunteers"):
        text = httpx.get(f"{world.stack.url(name)}/metrics", timeout=10).text
        assert "wushe_http_requests_total" in text and "wushe_http_request_duration_seconds_bucket" in text
    gateway = httpx.get(f"{world.stack.url('gateway')}/metrics", timeout=10).text
    assert 'wushe_upstream_request_duration_seconds_count{method="GET",status="200",upstream="case"}' in gateway
    case = httpx.get(f"{world.stack.url('case')}/metrics", timeout=10).text
    assert 'route="/v1/needs"' in case
    assert "wushe_holds_expired_total" in httpx.get(f"{world.stack.url('resources')}/metrics", timeout=10).text
