"""Gateway against direct REST, at equal concurrency, on two representative queries.

    python bench/gateway.py                  # starts its own stack on an embedded PostgreSQL
    python bench/gateway.py --gateway-url http://127.0.0.1:8000 --case-url http://127.0.0.1:8001
                                             # (a gateway whose WUSHE_GRAPHQL_RATE_LIMIT_* allow the load)

Queries: the station dashboard (50 open needs with recipient, case and platform) and a page of
50 public wishes. "direct" fetches the same data from the REST services with httpx, making the
same upstream calls the gateway makes. Prints requests/s, p50 and p99 for both, the ratio and
upstream calls per query, and — the figure that carries over to other machines — the CPU time
each server process spent per request (user + system, read from the process before and after the
run; the load generator's own CPU is not counted). With an external stack, pass its processes'
pids (`--pids gateway=123,case=456`) to get the CPU figures. Ends with one JSON line of the figures.
"""

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from contextlib import ExitStack
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.common.auth import issue_dev_token
from services.common.personal_data import id_check_character
from services.common.settings import Settings

DASHBOARD = """query Dashboard { needs(first: 50, filter: {state: OPEN}) { edges { node {
  id title kind quantity estimatedValue deadline createdAt
  recipient { name age categories phone platform { name } }
  case { state domain riskLevel }
  platform { name level regionCode } } } pageInfo { hasNextPage endCursor } } }"""
FEED = """query Feed { publicWishes(first: 50) { edges { node {
  id display age categories countyName title itemCategory quantity estimatedValue deadline publishedAt } }
  pageInfo { hasNextPage endCursor } } }"""


async def post(client: httpx.AsyncClient, path: str, headers: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(path, headers=headers, json=body)
    if response.status_code >= 400:
        raise RuntimeError(f"seeding failed: POST {path} -> {response.status_code} {response.text[:300]}")
    result: dict[str, Any] = response.json()
    return result


def headers(settings: Settings, **claims: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_dev_token(settings, **claims)}"}


async def seed(case_url: str, settings: Settings, needs: int) -> dict[str, str]:
    """A county centre, a station, `needs` recipients each with a case and one open micro-wish."""
    admin = headers(settings, role="civil_affairs_admin", region="15")
    async with httpx.AsyncClient(base_url=case_url, timeout=30) as client:
        centre = await post(
            client,
            "/v1/platforms",
            {**admin, "Idempotency-Key": "bench-centre"},
            {"name": "满洲里市社工服务中心", "level": "county_centre", "region_code": "150781"},
        )
        centre_staff = headers(settings, role="centre_staff", platform_id=centre["id"], region="150781")
        station = await post(
            client,
            "/v1/platforms",
            {**centre_staff, "Idempotency-Key": "bench-station"},
            {
                "name": "东山街道社工站",
                "level": "station",
                "parent_id": centre["id"],
                "region_code": "150781001",
                "service_model": "embedded",
            },
        )
        staff = headers(settings, role="station_staff", platform_id=station["id"], region="150781", subject="bench")
        semaphore = asyncio.Semaphore(8)

        async def one(n: int) -> None:
            async with semaphore:
                birth = date(1940 + n % 40, 1 + n % 12, 1 + n % 28)
                first17 = f"150781{birth:%Y%m%d}{n % 1000:03d}"
                recipient = await post(
                    client,
                    "/v1/recipients",
                    {**staff, "Idempotency-Key": f"bench-r{n}"},
                    {
                        "platform_id": station["id"],
                        "region_code": "150781001",
                        "name": f"王秀英{n}",
                        "gender": "female",
                        "birth_date": birth.isoformat(),
                        "categories": ["elderly", "empty_nest", "tekun"],
                        "id_number": first17 + id_check_character(first17),
                        "phone": "13812345678",
                        "address": "满洲里市东山街道",
                        "consent": {"given_by": "本人", "given_at": "2026-11-01T00:00:00Z", "purpose": "救助"},
                    },
                )
                case = await post(
                    client,
                    "/v1/cases",
                    {**staff, "Idempotency-Key": f"bench-c{n}"},
                    {"recipient_id": recipient["id"], "domain": "elderly"},
                )
                if case["state"] == "intake":
                    await post(client, f"/v1/cases/{case['id']}/transitions", staff, {"to_state": "assessment"})
                await post(
                    client,
                    "/v1/needs",
                    {**staff, "Idempotency-Key": f"bench-n{n}"},
                    {
                        "case_id": case["id"],
                        "kind": "micro_wish",
                        "title": "一台收音机",
                        "item_category": "small_appliance",
                        "quantity": 1,
                        "estimated_value": "89.90",
                    },
                )

        await asyncio.gather(*(one(n) for n in range(needs)))
    return staff


async def direct_dashboard(client: httpx.AsyncClient, case_url: str, auth: dict[str, str]) -> None:
    page = (await client.get(f"{case_url}/v1/needs", params={"limit": 50, "state": "open"}, headers=auth)).json()
    items = page["items"]

    async def batch(resource: str, key: str) -> Any:
        ids = ",".join(sorted({item[key] for item in items}))
        return (await client.get(f"{case_url}/v1/{resource}:batch", params={"ids": ids}, headers=auth)).json()

    await asyncio.gather(
        batch("recipients", "recipient_id"), batch("cases", "case_id"), batch("platforms", "platform_id")
    )


async def direct_feed(client: httpx.AsyncClient, case_url: str, auth: dict[str, str]) -> None:
    (await client.get(f"{case_url}/v1/public-wishes", params={"limit": 50})).json()


def cpu_seconds(processes: dict[str, Any]) -> dict[str, float]:
    """User + system CPU seconds of each server process so far (psutil.Process values)."""
    return {name: sum(process.cpu_times()[:2]) for name, process in processes.items()}


async def measure(
    call: Callable[[], Awaitable[Any]], requests: int, concurrency: int, processes: dict[str, Any] | None = None
) -> dict[str, Any]:
    for _ in range(concurrency * 2):  # warm-up: caches, pools, JIT-free but connection-full
        await call()
    processes = processes or {}
    cpu_before = cpu_seconds(processes)
    latencies: list[float] = []
    queue = iter(range(requests))

    async def worker() -> None:
        for _ in queue:
            started = time.perf_counter()
            await call()
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    cpu_after = cpu_seconds(processes)
    latencies.sort()
    return {
        "rps": round(requests / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 2),
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 2),
        "cpu_ms_per_request": {
            name: round((cpu_after[name] - cpu_before[name]) * 1000 / requests, 2) for name in processes
        },
    }


async def run(
    gateway_url: str,
    case_url: str,
    settings: Settings,
    requests: int,
    concurrency: int,
    needs: int,
    processes: dict[str, Any] | None = None,
) -> dict[str, Any]:
    processes = processes or {}
    staff = await seed(case_url, settings, needs)
    limits = httpx.Limits(max_connections=concurrency * 4, max_keepalive_connections=concurrency * 4)
    results = []
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:
        for name, query, auth, direct in (
            ("station_dashboard", DASHBOARD, staff, direct_dashboard),
            ("public_wish_feed", FEED, {}, direct_feed),
        ):
            probe = (await client.post(f"{gateway_url}/graphql", json={"query": query}, headers=auth)).json()
            assert "errors" not in probe, probe["errors"]
            first_key = next(iter(probe["data"]))
            assert len(probe["data"][first_key]["edges"]) == 50, "the bench needs 50 rows"

            async def via_gateway(query: str = query, auth: dict[str, str] = auth) -> None:
                response = await client.post(f"{gateway_url}/graphql", json={"query": query}, headers=auth)
                response.raise_for_status()

            async def via_rest(direct: Any = direct, auth: dict[str, str] = auth) -> None:
                await direct(client, case_url, auth)

            gateway = await measure(via_gateway, requests, concurrency, processes)
            servers = {name: process for name, process in processes.items() if name != "gateway"}
            direct_figures = await measure(via_rest, requests, concurrency, servers)
            results.append(
                {
                    "name": name,
                    "gateway": gateway,
                    "direct": direct_figures,
                    "ratio": round(gateway["rps"] / direct_figures["rps"], 2),
                    "upstream_calls": probe["extensions"]["upstreamCalls"],
                }
            )
    return {"bench": "gateway", "concurrency": concurrency, "requests": requests, "queries": results}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gateway-url")
    parser.add_argument("--case-url")
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--needs", type=int, default=60)
    parser.add_argument("--pids", default="", help="name=pid,… of an external stack's server processes")
    args = parser.parse_args()
    settings = Settings()
    with ExitStack() as stack:
        if args.gateway_url and args.case_url:
            gateway_url, case_url = args.gateway_url, args.case_url
            pids = dict(pair.split("=") for pair in args.pids.split(",") if pair)
            processes = {name: psutil.Process(int(pid)) for name, pid in pids.items()}
        else:
            gateway_url, case_url, processes = stack.enter_context(_own_stack())
        figures = asyncio.run(
            run(gateway_url, case_url, settings, args.requests, args.concurrency, args.needs, processes)
        )
    print(f"{'query':<20} {'path':<8} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}  CPU ms per request")
    for q in figures["queries"]:
        for path in ("gateway", "direct"):
            f = q[path]
            cpu = ", ".join(f"{name} {ms}" for name, ms in f["cpu_ms_per_request"].items()) or "-"
            print(f"{q['name']:<20} {path:<8} {f['rps']:>8} {f['p50_ms']:>8} {f['p99_ms']:>8}  {cpu}")
        print(f"{'':<20} ratio {q['ratio']:.2f}x, upstream calls per query: {q['upstream_calls']}")
    print(json.dumps(figures, ensure_ascii=False))


def _own_stack() -> Any:
    from contextlib import contextmanager

    from services.common.migrations import upgrade_all
    from tests.support.stack import free_ports
    from wushe_cli.postgres import EmbeddedPostgres
    from wushe_cli.stack import Stack

    @contextmanager
    def started() -> Any:
        data = Path(tempfile.mkdtemp(prefix="wushe-bench-"))
        postgres = EmbeddedPostgres.start(data)
        stack = Stack(host="127.0.0.1", ports=free_ports(), database_url=postgres.url(), postgres=postgres)
        # Thousands of requests a minute from one token and one address: far above the default rate limits.
        for scope in ("ANONYMOUS", "APP", "USER"):
            os.environ.setdefault(f"WUSHE_GRAPHQL_RATE_LIMIT_{scope}", "1000000/minute")
        try:
            upgrade_all(stack.database_url)
            stack.start_all(data / "logs")
            stack.wait_ready(60)
            servers = {name: psutil.Process(process.pid) for name, process in stack.processes.items()}
            yield stack.url("gateway"), stack.url("case"), {n: servers[n] for n in ("gateway", "case")}
        finally:
            stack.stop()

    return started()


if __name__ == "__main__":
    main()
