"""Abusive requests against the gateway, at growing sizes: how fast and how each is refused.

    python bench/abuse.py                       # starts its own gateway (no services or database needed)
    python bench/abuse.py --repeat 50           # more requests per size (default 20)
    python bench/abuse.py --gateway-url http://127.0.0.1:8000   # an existing gateway (no CPU figures)

Every attack class (fragment fan-out, depth, aliases, directives, tokens, repeated fields, huge
lists, deep JSON, big bodies, bad encodings, cost bypasses, rate limit) is sent at several sizes;
each row prints the HTTP status and `code`, the client's wall time and the gateway's CPU time per
request (CPU ms carries across machines; wall ms includes this process and the loopback). Meanwhile
a probe asks `/healthz` every 20 ms; its worst latency is printed at the end. Refusals are nothing
the services see: the gateway is started with upstream URLs where nothing listens.

Requests come "from" addresses of the benchmarking range 198.18.0.0/15 via `X-Forwarded-For`
(trusted from 127.0.0.1 only), one per request, so that only the rate-limit rows meet the
anonymous limit. Ends with one JSON line of the figures.
"""

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import Any

import httpx
import psutil

ROOT = Path(__file__).resolve().parents[1]
ACCEPT = "application/graphql-response+json, application/json;q=0.9"
ANONYMOUS_LIMIT = 30  # per minute, for the rate-limit rows


@dataclass
class Attack:
    """One request: `body` (a dict is sent as JSON) or a GET `params`, with its headers."""

    body: Any = None
    params: dict[str, str] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    same_client: bool = False  # all repeats from one address (the rate-limit rows)


@dataclass
class Case:
    attack_class: str
    size: str
    expected: str
    attack: Attack


def gql(query: str, variables: Any = None) -> Attack:
    body: dict[str, Any] = {"query": query}
    if variables is not None:
        body["variables"] = variables
    return Attack(body=body)


def fan_out(fragments: int) -> str:
    """{ ...F0 } with each fragment spreading the next twice: 2^n fields once expanded."""
    chain = "".join(f"fragment F{i} on Query {{ __typename ...F{i + 1} ...F{i + 1} }} " for i in range(fragments))
    return "{ ...F0 } " + chain + f"fragment F{fragments} on Query {{ __typename }}"


def nested(levels: int) -> str:
    return "{ " + "health { " * levels + "status" + " }" * levels + " }"


def deep_json(levels: int) -> str:
    return "[" * levels + "]" * levels


def cases() -> list[Case]:
    rows: list[Case] = []

    def add(attack_class: str, size: str, expected: str, attack: Attack) -> None:
        rows.append(Case(attack_class, size, expected, attack))

    for n in (14, 21, 40, 80, 160):
        add("fragment fan-out", f"{n} fragments", "QUERY_TOO_COSTLY", gql(fan_out(n)))
    for n in (11, 20, 50, 150, 300):
        add("depth", f"{n} levels", "QUERY_TOO_DEEP", gql(nested(n)))
    for n in (16, 100, 600):
        add(
            "aliases",
            f"{n} aliases",
            "TOO_MANY_ALIASES",
            gql("{ " + " ".join(f"a{i}: __typename" for i in range(n)) + " }"),
        )
    for n in (4, 10, 40):  # 8 aliases in a fragment spread 2^n times
        query = "{ ...F0 } " + "".join(f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }} " for i in range(n))
        query += f"fragment F{n} on Query {{ " + " ".join(f"a{i}: __typename" for i in range(8)) + " }"
        add("aliases via fragments", f"8 x 2^{n}", "TOO_MANY_ALIASES", gql(query))
    for n in (51, 150, 250):  # 7 tokens each: 250 stay under the token limit
        add(
            "directives",
            f"{n} directives",
            "TOO_MANY_DIRECTIVES",
            gql("{ __typename" + " @include(if: true)" * n + " }"),
        )
    for n in (2001, 5000):
        add("tokens", f"{n} tokens", "TOO_MANY_TOKENS", gql("{" + " __typename" * n + " }"))
    for kib in (16, 40):  # 40 KiB of comments is 60 KiB of JSON
        add(
            "comments",
            f"{kib} KiB",
            "TOO_MANY_TOKENS",
            gql("#\n" * (kib * 512) + "{ __typename }"),
        )
    for n in (100, 300, 490):
        add(
            "repeated fields",
            f"{n} x health",
            "QUERY_TOO_COMPLEX",
            gql("{" + " health { status }" * n + " }"),
        )
    for n in (1500, 4000, 20_000):
        add(
            "huge list variable",
            f"{n} items",
            "VARIABLES_TOO_LARGE" if n < 20_000 else "PAYLOAD_TOO_LARGE",
            gql(
                'query($k: [NeedKind!]) { proposeMatches(scope: {regionCode: "15"}, kinds: $k) { summary { needs } } }',
                {"k": ["MICRO_WISH"] * n},
            ),
        )
    for n in (40, 1000, 5000, 20_000):  # raw bytes: json.dumps itself would not nest that deep
        add(
            "deep JSON",
            f"{n} levels",
            "JSON_TOO_DEEP",
            Attack(
                body=f'{{"query": "{{ __typename }}", "variables": {{"v": {deep_json(n)}}}}}'.encode(),
                headers={"content-type": "application/json"},
            ),
        )
    for n in (1000, 5000):
        add(
            "deep JSON (GET)",
            f"{n} levels",
            "JSON_TOO_DEEP",
            Attack(params={"query": "{ __typename }", "variables": deep_json(n)}),
        )
    for kib in (100, 1024, 10 * 1024):
        add(
            "big body",
            f"{kib} KiB",
            "PAYLOAD_TOO_LARGE",
            gql("{ __typename }", {"pad": "x" * (kib * 1024)}),
        )
    add(
        "big body (chunked)",
        "1024 KiB",
        "PAYLOAD_TOO_LARGE",
        Attack(body=_chunks(b'{"query": "{ __typename }", "pad": "' + b"x" * (1024 * 1024) + b'"}')),
    )
    for kib in (1, 60):
        add(
            "invalid UTF-8",
            f"{kib} KiB",
            "INVALID_ENCODING",
            Attack(
                body=b'{"query": "{ __typename }", "x": "' + b"\xff\xfe" * (kib * 512) + b'"}',
                headers={"content-type": "application/json"},
            ),
        )
    add(
        "malformed JSON",
        "1 KiB",
        "MALFORMED_JSON",
        Attack(body=b'{"query": ' + b"{" * 1000, headers={"content-type": "application/json"}),
    )
    add(
        "wrong media type",
        "form",
        "UNSUPPORTED_MEDIA_TYPE",
        Attack(body=b"query=%7B__typename%7D", headers={"content-type": "application/x-www-form-urlencoded"}),
    )
    # A page of needs with 21 fields costs 2 201: five are over the limit of 10 000.
    fields = "id kind state title description regionCode quantity estimatedValue visitsPerMonth visitMinutes amount"
    fields += " deadline pendingUntil pendingReference matchedReference proofNote proofPhotoUrl feedback fulfilledAt"
    page = "edges { node { " + fields + " version createdAt } }"
    big = " ".join(f"big{i}: needs(first: 100) {{ {page} }}" for i in range(5))
    for n in (1, 10):  # the refused query, with negative pages that once subtracted from its cost
        negative = " ".join(f"n{i}: needs(first: -1000) {{ {page} }}" for i in range(n))
        query = f"{{ {big} {negative} }}"
        add("cost bypass: negative first", f"5 + {n} aliases", "BAD_USER_INPUT", gql(query))
    for n in (5, 15):  # a variable's default was costed as 20
        body = " ".join(f"a{i}: needs(first: $n) {{ {page} }}" for i in range(n))
        add(
            "cost bypass: variable default",
            f"{n} aliases",
            "QUERY_TOO_COSTLY",
            gql("query($n: Int! = 100) { " + body + " }"),
        )
    for n in (3, 15):
        body = " ".join(
            f'p{i}: proposeMatches(scope: {{regionCode: "15"}}, limit: 1) {{ summary {{ needs }} }}' for i in range(n)
        )
        add("cost bypass: proposeMatches", f"{n} aliases", "QUERY_TOO_COSTLY", gql("{ " + body + " }"))
    for n, expected in ((50, "answered"), (200, "QUERY_TOO_COMPLEX")):  # fragments side by side, all valid
        spreads = " ".join(f"...V{i}" for i in range(n))
        definitions = " ".join(f"fragment V{i} on Query {{ __typename }}" for i in range(n))
        add("many fragments", f"{n} fragments", expected, gql("{ " + spreads + " } " + definitions))
    feed = {"query": "{ publicWishes(first: 20) { nodes { id display } } }"}
    add(
        "rate limit: anonymous feed",
        f"{ANONYMOUS_LIMIT}/minute",
        "RATE_LIMITED",
        Attack(body=feed, same_client=True),
    )
    return rows


def _chunks(data: bytes, size: int = 64 * 1024) -> Any:
    async def stream() -> Any:
        for start in range(0, len(data), size):
            yield data[start : start + size]

    return stream


_addresses = count(1)


def next_address() -> str:
    n = next(_addresses)
    return f"198.{18 + (n >> 16) % 2}.{(n >> 8) & 255}.{n & 255}"


async def send(client: httpx.AsyncClient, url: str, attack: Attack, address: str) -> httpx.Response:
    headers = {"accept": ACCEPT, "x-forwarded-for": address, **attack.headers}
    if attack.params is not None:
        return await client.get(f"{url}/graphql", params=attack.params, headers=headers)
    body = attack.body
    if isinstance(body, dict):
        return await client.post(
            f"{url}/graphql", content=json.dumps(body), headers={"content-type": "application/json", **headers}
        )
    if callable(body):
        return await client.post(
            f"{url}/graphql", content=body(), headers={"content-type": "application/json", **headers}
        )
    return await client.post(f"{url}/graphql", content=body, headers=headers)


def code_of(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return "(not JSON)"
    if isinstance(body, dict) and "code" in body:
        return str(body["code"])
    errors = body.get("errors") if isinstance(body, dict) else None
    if errors:
        return str((errors[0].get("extensions") or {}).get("code", "(no code)"))
    return "answered"


async def probe_health(client: httpx.AsyncClient, url: str, latencies: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        started = time.perf_counter()
        await client.get(f"{url}/healthz")
        latencies.append(time.perf_counter() - started)
        await asyncio.sleep(0.02)


async def run(url: str, pid: int | None, repeat: int) -> dict[str, Any]:
    process = psutil.Process(pid) if pid else None
    rows: list[dict[str, Any]] = []
    health: list[float] = []
    stop = asyncio.Event()
    async with httpx.AsyncClient(timeout=120) as client, httpx.AsyncClient(timeout=120) as prober:
        probe = asyncio.create_task(probe_health(prober, url, health, stop))
        for case in cases():
            attack = case.attack
            address = next_address()
            allowed: list[int] = []
            if attack.same_client:  # use up the quota first: the figures are those of the refusals
                for _ in range(ANONYMOUS_LIMIT + 1):
                    allowed.append((await send(client, url, attack, address)).status_code)
            walls: list[float] = []
            statuses: list[int] = []
            codes: list[str] = []
            headers = httpx.Headers()
            cpu_before = _cpu(process)
            for _ in range(repeat):
                started = time.perf_counter()
                response = await send(client, url, attack, address if attack.same_client else next_address())
                walls.append(time.perf_counter() - started)
                statuses.append(response.status_code)
                codes.append(code_of(response))
                headers = response.headers
            cpu_ms = (_cpu(process) - cpu_before) * 1000 / repeat if process else None
            status, code = statuses[-1], codes[-1]
            row = {
                "class": case.attack_class,
                "size": case.size,
                "bytes": _size(attack),
                "status": status,
                "code": code,
                "wall_ms": round(statistics.median(walls) * 1000, 2),
                "wall_max_ms": round(max(walls) * 1000, 2),
                "cpu_ms_per_request": round(cpu_ms, 2) if cpu_ms is not None else None,
                "as_expected": code == case.expected,
            }
            if attack.same_client:
                row["first_refused_at"] = next((i + 1 for i, s in enumerate(allowed + statuses) if s == 429), None)
                row["retry_after"] = headers.get("retry-after")
                row["ratelimit"] = headers.get("ratelimit")
            rows.append(row)
            _print_row(row)
        stop.set()
        await probe
    health.sort()
    return {
        "bench": "abuse",
        "repeat": repeat,
        "rows": rows,
        "healthz": {
            "probes": len(health),
            "p50_ms": round(statistics.median(health) * 1000, 2),
            "max_ms": round(health[-1] * 1000, 2),
        },
    }


def _cpu(process: psutil.Process | None) -> float:
    if process is None:
        return 0.0
    times = process.cpu_times()
    return float(times.user + times.system)


def _size(attack: Attack) -> int:
    if attack.params is not None:
        return sum(len(v) for v in attack.params.values())
    if isinstance(attack.body, dict):
        return len(json.dumps(attack.body))
    if isinstance(attack.body, bytes):
        return len(attack.body)
    return 1024 * 1024 + 40  # the chunked body


def _print_header() -> None:
    print(f"{'class':<30} {'size':<16} {'bytes':>9} {'status':>6}  {'code':<24} {'wall ms':>8} {'cpu ms':>7}  ok")


def _print_row(row: dict[str, Any]) -> None:
    cpu = "-" if row["cpu_ms_per_request"] is None else f"{row['cpu_ms_per_request']:.2f}"
    extra = (
        f"  (429 from request {row['first_refused_at']}, Retry-After {row['retry_after']})"
        if "first_refused_at" in row
        else ""
    )
    print(
        f"{row['class']:<30} {row['size']:<16} {row['bytes']:>9} {row['status']:>6}  {row['code']:<24} "
        f"{row['wall_ms']:>8.2f} {cpu:>7}  {'yes' if row['as_expected'] else 'NO'}{extra}",
        flush=True,
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def own_gateway() -> Iterator[tuple[str, int]]:
    port, nowhere = _free_port(), _free_port()  # nothing listens on `nowhere`
    env = dict(os.environ)
    env.update(
        WUSHE_ENVIRONMENT="test",
        WUSHE_LOG_LEVEL="WARNING",
        WUSHE_CASE_URL=f"http://127.0.0.1:{nowhere}",
        WUSHE_RESOURCES_URL=f"http://127.0.0.1:{nowhere}",
        WUSHE_VOLUNTEERS_URL=f"http://127.0.0.1:{nowhere}",
        WUSHE_GRAPHQL_RATE_LIMIT_ANONYMOUS=f"{ANONYMOUS_LIMIT}/minute",
    )
    log = open(Path(tempfile.mkdtemp(prefix="wushe-abuse-")) / "gateway.log", "wb")
    command = [
        sys.executable, "-m", "uvicorn", "gateway.app:create_app", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--no-access-log",
        "--forwarded-allow-ips", "127.0.0.1",
    ]  # fmt: skip
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"the gateway did not start; see {log.name}")
            time.sleep(0.1)
        yield url, process.pid
    finally:
        process.terminate()
        process.wait(10)
        log.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gateway-url", help="an existing gateway (its anonymous limit decides the 429 row)")
    parser.add_argument("--repeat", type=int, default=20, help="requests per size")
    args = parser.parse_args()
    _print_header()
    if args.gateway_url:
        figures = asyncio.run(run(args.gateway_url, None, args.repeat))
    else:
        with own_gateway() as (url, pid):
            figures = asyncio.run(run(url, pid, args.repeat))
    rows = figures["rows"]
    refused = sum(r["as_expected"] for r in rows)
    slowest = max(rows, key=lambda r: r["wall_max_ms"])
    summary = (
        f"\n{refused}/{len(rows)} rows as expected; slowest single request {slowest['wall_max_ms']} ms wall "
        f"({slowest['class']}, {slowest['size']})"
    )
    if rows[0]["cpu_ms_per_request"] is not None:
        busiest = max(rows, key=lambda r: r["cpu_ms_per_request"])
        cpu = busiest["cpu_ms_per_request"]
        summary += f"; most gateway CPU {cpu} ms/request ({busiest['class']}, {busiest['size']})"
    health = figures["healthz"]
    print(summary + f"; /healthz p50 {health['p50_ms']} ms, max {health['max_ms']} ms over {health['probes']} probes")
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
