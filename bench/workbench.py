"""The workbench's main pages against a running stack with the demo: p50/p99 page time and CPU ms per page.

    wushe up --demo                        # or make up; the workbench on :8004, the gateway on :8000
    python bench/workbench.py              # signs in as the first demo station's worker
    python bench/workbench.py --workbench-url http://127.0.0.1:8004 --requests 40 --station 东山街道

Each page is requested sequentially (one user clicking) `--requests` times after a warm-up. CPU ms per
page is the CPU time the workbench, gateway and service processes (found by their listening ports)
spent during that page's requests, divided by the requests. Prints a table and one JSON line.
The issue's target: p50 under 150 ms on this machine with the demo.
"""

import argparse
import json
import re
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import httpx
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PROCESSES = {"workbench": 8004, "gateway": 8000, "case": 8001, "resources": 8002, "volunteers": 8003}


@dataclass
class PageFigures:
    path: str
    p50_ms: float
    p99_ms: float
    cpu_ms: dict[str, float]


def listening_process(port: int) -> psutil.Process | None:
    for connection in psutil.net_connections(kind="tcp"):
        if connection.status == psutil.CONN_LISTEN and connection.laddr.port == port and connection.pid:
            return psutil.Process(connection.pid)
    return None


def cpu_seconds(process: psutil.Process | None) -> float:
    if process is None:
        return 0.0
    times = process.cpu_times()
    return float(times.user + times.system)


def sign_in(client: httpx.Client, station: str) -> None:
    """Through the development picker, as the first station whose name contains `station`."""
    page = client.get("/signin").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    stations = re.findall(r'name="identity" value="([^"]+)">([^<]*社会工作服务站|[^<]*社工站)', page)
    chosen = next((gid for gid, name in stations if station in name), None)
    if token is None or chosen is None:
        raise SystemExit(f"no station matching {station!r} on the sign-in page: is the demo loaded?")
    answer = client.post("/signin/dev", data={"csrf_token": token.group(1), "identity": chosen, "next": "/today"})
    if answer.status_code != 200 or "今日工作台" not in answer.text:
        raise SystemExit(f"sign-in failed: {answer.status_code}")


def detail_pages(client: httpx.Client) -> list[str]:
    """A case file and a need page of the signed-in station (found on its lists)."""
    people = client.get("/people").text
    needs = client.get("/needs").text
    found = (
        re.findall(r'href="(/people/cases/[^"]+)"', people)[:1]
        + re.findall(r'href="(/needs/[A-Za-z0-9=]{20,})"', needs)[:1]
    )
    return found


def measure(client: httpx.Client, path: str, requests: int, processes: dict[str, psutil.Process | None]) -> PageFigures:
    for _ in range(3):  # warm-up: vocabulary, connection pools, caches
        client.get(path)
    before = {name: cpu_seconds(process) for name, process in processes.items()}
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        answer = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        if answer.status_code != 200:
            raise SystemExit(f"GET {path} -> {answer.status_code}")
    after = {name: cpu_seconds(process) for name, process in processes.items()}
    cpu = {name: round((after[name] - before[name]) * 1000 / requests, 1) for name in processes}
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return PageFigures(path, round(statistics.median(times), 1), round(p99, 1), cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workbench-url", default="http://127.0.0.1:8004")
    parser.add_argument("--gateway-port", type=int, default=8000, help="to find the gateway process for CPU")
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--station", default="东山街道", help="part of the demo station's name to sign in as")
    args = parser.parse_args()
    base_port = urlparse(args.workbench_url).port or 8004
    ports = {
        "workbench": base_port,
        "gateway": args.gateway_port,
        "case": args.gateway_port + 1,
        "resources": args.gateway_port + 2,
        "volunteers": args.gateway_port + 3,
    }
    processes = {name: listening_process(port) for name, port in ports.items()}
    with httpx.Client(base_url=args.workbench_url, follow_redirects=True, timeout=30) as client:
        sign_in(client, args.station)
        pages = ["/today", "/people", "/needs", "/needs/proposals", "/people/new", "/needs/new", *detail_pages(client)]
        figures = [measure(client, path, args.requests, processes) for path in pages]
    shown = [name for name, process in processes.items() if process is not None]
    print(f"{'page':<22} {'p50 ms':>8} {'p99 ms':>8}  " + "  ".join(f"{name + ' cpu':>15}" for name in shown))
    for page in figures:
        label = page.path if len(page.path) <= 22 else page.path[:19] + "..."
        cells = "  ".join(f"{page.cpu_ms[name]:>15.1f}" for name in shown)
        print(f"{label:<22} {page.p50_ms:>8.1f} {page.p99_ms:>8.1f}  {cells}")
    print(json.dumps({"requests": args.requests, "pages": [page.__dict__ for page in figures]}, ensure_ascii=False))


if __name__ == "__main__":
    main()
