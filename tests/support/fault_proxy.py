"""A real HTTP/1.1 proxy between the gateway and a service that loses answers on purpose.

Rules name a method and a path pattern and what happens to the next `times` matching requests:

- `drop_answer`: the request is forwarded (the service does the work and commits), then the
  connection is closed without a response — a reset after the commit, as a crashed load balancer
  or a lost packet would leave it;
- `blackhole`: the request is never forwarded and never answered; the caller times out (or is
  killed while it waits).

Everything else passes through unchanged, keep-alive included. It runs its own event loop in a
thread, so the synchronous tests and the uvicorn processes both talk to it over real sockets.
"""

import asyncio
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import httpx

from tests.support.stack import free_port

HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding", "host"}


@dataclass
class Rule:
    method: str
    path: re.Pattern[str]
    action: str  # "drop_answer" | "blackhole"
    times: int = 1
    hits: int = 0


@dataclass
class FaultProxy:
    upstream: str
    port: int = field(default_factory=free_port)
    rules: list[Rule] = field(default_factory=list)
    seen: list[tuple[str, str, str]] = field(default_factory=list)  # (method, path, what happened)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def add(self, method: str, path: str, action: str, times: int = 1) -> Rule:
        rule = Rule(method, re.compile(path), action, times)
        with self._lock:
            self.rules.append(rule)
        return rule

    def clear(self) -> None:
        with self._lock:
            self.rules.clear()
            self.seen.clear()

    def _rule_for(self, method: str, path: str) -> Rule | None:
        with self._lock:
            for rule in self.rules:
                if rule.method == method and rule.path.fullmatch(path) and rule.hits < rule.times:
                    rule.hits += 1
                    return rule
        return None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        async with httpx.AsyncClient(base_url=self.upstream, timeout=60) as client:
            try:
                while True:
                    head = await reader.readuntil(b"\r\n\r\n")
                    lines = head.decode("latin-1").split("\r\n")
                    method, target, _ = lines[0].split(" ", 2)
                    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
                    length = int(next((v for k, v in headers.items() if k.lower() == "content-length"), "0"))
                    body = await reader.readexactly(length) if length else b""
                    path = target.split("?", 1)[0]
                    rule = self._rule_for(method, path)
                    if rule is not None and rule.action == "blackhole":
                        self.seen.append((method, path, "blackholed"))
                        await reader.read()  # until the caller gives up and closes
                        return
                    forwarded = {k: v for k, v in headers.items() if k.lower() not in HOP_HEADERS}
                    response = await client.request(method, target, content=body, headers=forwarded)
                    if rule is not None and rule.action == "drop_answer":
                        self.seen.append((method, path, f"dropped {response.status_code}"))
                        writer.transport.abort()
                        return
                    self.seen.append((method, path, str(response.status_code)))
                    writer.write(_response_bytes(response))
                    await writer.drain()
            except (asyncio.IncompleteReadError, ConnectionError):
                return
            finally:
                writer.close()

    @contextmanager
    def running(self) -> Iterator["FaultProxy"]:
        loop = asyncio.new_event_loop()
        started = threading.Event()
        server: list[asyncio.base_events.Server] = []

        async def start() -> None:
            server.append(await asyncio.start_server(self._serve, "127.0.0.1", self.port))
            started.set()

        thread = threading.Thread(target=lambda: (loop.run_until_complete(start()), loop.run_forever()), daemon=True)
        thread.start()
        started.wait(10)
        try:
            yield self
        finally:
            loop.call_soon_threadsafe(server[0].close)
            loop.call_soon_threadsafe(loop.stop)
            thread.join(10)


def _response_bytes(response: httpx.Response) -> bytes:
    status = f"HTTP/1.1 {response.status_code} {response.reason_phrase}\r\n"
    headers = [f"{k}: {v}" for k, v in response.headers.items() if k.lower() not in HOP_HEADERS]
    headers += [f"content-length: {len(response.content)}", "connection: keep-alive"]
    return (status + "\r\n".join(headers) + "\r\n\r\n").encode("latin-1") + response.content
