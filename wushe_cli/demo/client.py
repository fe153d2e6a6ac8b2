"""The seeder's HTTP side: one pooled client, a token per actor, an Idempotency-Key on every POST.

Each call goes through a bounded semaphore so the services see a steady, limited concurrency.
Counts what was created, what the services replayed from their idempotency store, and which
state changes were made, so a second run can prove it changed nothing.
"""

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

from services.common.auth import issue_dev_token
from services.common.settings import Settings

KEY_PREFIX = "wushe-demo-v1"


@dataclass(frozen=True)
class Actor:
    """Who makes a call: the claims of the development token minted for it."""

    role: str
    subject: str
    platform_id: str | None = None
    org_id: str | None = None
    volunteer_id: str | None = None
    region: str = ""
    scopes: tuple[str, ...] = ()


class SeedError(RuntimeError):
    """A call the seeder relies on failed: which step, which request, and what the service said."""

    def __init__(self, request: str, response: httpx.Response | None = None, reason: str = "") -> None:
        self.request, self.step = request, ""
        self.status = response.status_code if response is not None else None
        problem: dict[str, Any] = {}
        if response is not None:
            try:
                answer = response.json()
                problem = answer if isinstance(answer, dict) else {}
            except ValueError:
                reason = reason or response.text[:300]
        self.code = str(problem.get("code", ""))
        self.detail = " / ".join(str(problem[k]) for k in ("detail_zh", "detail") if problem.get(k)) or reason
        fields = [e for e in problem.get("errors", []) if isinstance(e, dict)][:3]
        if fields:  # which fields a 422 names
            self.detail += " — " + "; ".join(f"{'.'.join(map(str, e.get('loc', [])))}: {e.get('msg')}" for e in fields)
        super().__init__(f"{request} -> {self.status}: {self.code} {self.detail}".strip())

    def report(self) -> str:
        """The readable block `wushe up --demo` and `wushe seed --demo` print."""
        answer = f"{self.status} {self.code}".strip() if self.status else "no answer"
        return (
            "The demo data could not be loaded completely / 演示数据未能全部载入\n"
            f"  step / 步骤:     {self.step or 'start'}\n"
            f"  request / 请求:  {self.request}\n"
            f"  answer / 应答:   {answer}\n"
            f"  reason / 原因:   {self.detail or '-'}\n"
            "  resume / 继续:   wushe seed --demo   (what is already there is kept; nothing is created twice)"
        )


@dataclass
class Tally:
    created: Counter[str] = field(default_factory=Counter)
    replayed: Counter[str] = field(default_factory=Counter)
    changed: Counter[str] = field(default_factory=Counter)
    requests: int = 0


class DemoClient:
    def __init__(
        self, urls: dict[str, str], settings: Settings, concurrency: int = 12, timeout_s: float = 30.0
    ) -> None:
        self.urls = urls
        self.settings = settings
        self.semaphore = asyncio.Semaphore(concurrency)
        self.http = httpx.AsyncClient(
            timeout=timeout_s,
            limits=httpx.Limits(max_connections=concurrency * 3, max_keepalive_connections=concurrency * 3),
        )
        self.tally = Tally()
        self._tokens: dict[Actor, str] = {}

    async def close(self) -> None:
        await self.http.aclose()

    def headers(self, actor: Actor) -> dict[str, str]:
        token = self._tokens.get(actor)
        if token is None:
            token = self._tokens[actor] = issue_dev_token(
                self.settings,
                role=actor.role,
                subject=actor.subject,
                platform_id=actor.platform_id,
                org_id=actor.org_id,
                volunteer_id=actor.volunteer_id,
                region=actor.region,
                scopes=list(actor.scopes) or None,
            )
        return {"Authorization": f"Bearer {token}"}

    async def _send(self, method: str, service: str, path: str, actor: Actor, **kwargs: Any) -> httpx.Response:
        headers = {**self.headers(actor), **kwargs.pop("headers", {})}
        async with self.semaphore:
            for attempt in range(3):
                try:
                    response = await self.http.request(method, self.urls[service] + path, headers=headers, **kwargs)
                    break
                except httpx.TransportError as exc:
                    if attempt == 2:
                        raise SeedError(f"{method} {service} {path}", reason=f"{type(exc).__name__}: {exc}") from exc
                    await asyncio.sleep(0.2 * (attempt + 1))
        self.tally.requests += 1
        return response

    async def create(
        self, service: str, path: str, actor: Actor, key: str, body: dict[str, Any] | None, kind: str
    ) -> dict[str, Any]:
        """POST that creates something, with a deterministic Idempotency-Key; 201 (or a replay) expected."""
        response = await self._send(
            "POST", service, path, actor, json=body, headers={"Idempotency-Key": f"{KEY_PREFIX}:{key}"}
        )
        if response.status_code != 201:
            raise SeedError(f"POST {service} {path} ({key})", response)
        if response.headers.get("Idempotent-Replayed") == "true":
            self.tally.replayed[kind] += 1
        else:
            self.tally.created[kind] += 1
        result: dict[str, Any] = response.json()
        return result

    async def change(
        self, service: str, path: str, actor: Actor, body: dict[str, Any] | None, kind: str, key: str
    ) -> dict[str, Any]:
        """A state change (POST .../verb) the caller decided on after reading the current state."""
        response = await self._send(
            "POST", service, path, actor, json=body, headers={"Idempotency-Key": f"{KEY_PREFIX}:{key}"}
        )
        if response.status_code not in (200, 201):
            raise SeedError(f"POST {service} {path} ({key})", response)
        self.tally.changed[kind] += 1
        result: dict[str, Any] = response.json()
        return result

    async def ask(self, service: str, path: str, actor: Actor) -> dict[str, Any]:
        """A POST that changes nothing (a ticket): not counted as a change."""
        response = await self._send("POST", service, path, actor)
        if response.status_code != 200:
            raise SeedError(f"POST {service} {path}", response)
        result: dict[str, Any] = response.json()
        return result

    async def get(self, service: str, path: str, actor: Actor, params: dict[str, Any] | None = None) -> Any:
        response = await self._send("GET", service, path, actor, params=params)
        if response.status_code != 200:
            raise SeedError(f"GET {service} {path}", response)
        return response.json()

    async def batch(self, service: str, path: str, actor: Actor, ids: list[str]) -> dict[str, dict[str, Any]]:
        """`GET /v1/<things>:batch` in chunks of 100; returns the readable items by id."""
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(ids), 100):
            page = await self.get(service, path, actor, {"ids": ",".join(ids[start : start + 100])})
            found.update({item["id"]: item for item in page["items"]})
        return found
