"""The stack as a user meets it: separate processes, real HTTP, one GraphQL endpoint."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
import pytest

from tests.support.stack import free_ports
from wushe_cli.stack import Stack

pytestmark = pytest.mark.e2e

HEALTH = "{ health { status services { name status revision reason } } }"


def graphql(stack: Stack, query: str) -> dict:
    response = httpx.post(f"{stack.url('gateway')}/graphql", json={"query": query}, timeout=10)
    assert response.status_code == 200
    return response.json()


def test_gateway_reports_every_service_ready(stack: Stack) -> None:
    health = graphql(stack, HEALTH)["data"]["health"]
    assert health["status"] == "READY"
    assert {s["name"]: s["status"] for s in health["services"]} == {
        "case": "READY",
        "resources": "READY",
        "volunteers": "READY",
    }
    assert all(s["revision"] for s in health["services"])


def test_each_service_serves_openapi_docs(stack: Stack) -> None:
    for name in ("case", "resources", "volunteers"):
        assert httpx.get(f"{stack.url(name)}/openapi.json", timeout=5).status_code == 200
        assert httpx.get(f"{stack.url(name)}/docs", timeout=5).status_code == 200


def test_unknown_route_on_a_real_server_is_problem_json(stack: Stack) -> None:
    response = httpx.get(f"{stack.url('case')}/v1/nothing-here", timeout=5)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_health_shows_a_stopped_service_and_recovers(stack: Stack, tmp_path: Path) -> None:
    stack.stop_process("volunteers")
    try:
        health = graphql(stack, HEALTH)["data"]["health"]
        states = {s["name"]: s["status"] for s in health["services"]}
        assert health["status"] == "UNAVAILABLE"
        assert states == {"case": "READY", "resources": "READY", "volunteers": "UNAVAILABLE"}
    finally:
        stack.start_process("volunteers", tmp_path, {"WUSHE_ENVIRONMENT": "test"})
        stack.wait_ready(60)
    assert graphql(stack, HEALTH)["data"]["health"]["status"] == "READY"


def _port_is_free(port: int) -> bool:
    return all(conn.laddr.port != port for conn in psutil.net_connections("tcp") if conn.status == "LISTEN")


def test_wushe_up_starts_everything_and_sigterm_leaves_nothing_behind(tmp_path_factory: pytest.TempPathFactory) -> None:
    """`wushe up` with the embedded PostgreSQL, as `make up` runs it, then SIGTERM."""
    data_dir = Path(str(tmp_path_factory.mktemp("up", numbered=True)))
    # tmp_path lives under /tmp, whose parents are already traversable (see wushe_cli/postgres.py).
    ports = free_ports()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    command = [
        sys.executable,
        "-m",
        "wushe_cli.main",
        "up",
        "--data-dir",
        str(data_dir),
        "--gateway-port",
        str(ports.gateway),
        "--case-port",
        str(ports.case),
        "--resources-port",
        str(ports.resources),
        "--volunteers-port",
        str(ports.volunteers),
    ]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output: list[str] = []
    try:
        deadline = time.monotonic() + 90
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line)
            if "Press Ctrl-C to stop." in line or time.monotonic() > deadline:
                break
        text = "".join(output)
        assert f"http://127.0.0.1:{ports.gateway}/graphql" in text, text
        assert f"http://127.0.0.1:{ports.case}/docs" in text
        response = httpx.post(f"http://127.0.0.1:{ports.gateway}/graphql", json={"query": HEALTH}, timeout=10)
        assert response.json()["data"]["health"]["status"] == "READY"
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(60)
    assert process.returncode == 0
    for port in (ports.gateway, ports.case, ports.resources, ports.volunteers):
        assert _port_is_free(port)
    leftovers = [
        p.info["pid"]
        for p in psutil.process_iter(["pid", "cmdline"])
        if p.info["cmdline"] and any(str(data_dir) in part for part in p.info["cmdline"])
    ]
    assert leftovers == []
