"""A pooled aiohttp client with timeouts, retries and a circuit breaker per upstream, that forwards
the caller's identity and trace headers.

aiohttp rather than httpx: measured on this machine, a FastAPI hop through one aiohttp session
served about 1,300 requests/s where the same hop through httpx served 200-300.

What is retried (docs/decisions.md, "Gateway HTTP client"), by tenacity, within the call's one
timeout: an idempotent request (GET, HEAD, PUT, DELETE, OPTIONS, or any request carrying an
`Idempotency-Key`) after a transport error or a 502/503/504; any other request only when it was
provably never sent — the connection could not be made or no pooled connection came free in time.
"""

import asyncio
import time
from dataclasses import dataclass
from typing import Any

import aiohttp
import orjson
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, stop_before_delay, wait_exponential_jitter

from gateway.clients.breaker import CircuitBreaker
from services.common.events import EventPage
from services.common.observability import UPSTREAM_LATENCY, inject_trace_headers
from services.common.request_context import current_request_id

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRIED_STATUSES = frozenset({502, 503, 504})
# aiohttp raises these before a byte of the request has been written.
NOT_SENT_ERRORS = (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError)


class UpstreamUnavailable(Exception):
    """The service did not answer (down, refused, timed out, or answered 5xx).

    `sent` is False only when the request provably never reached the service (no connection, or the
    circuit breaker refused it): then it certainly did not happen. Otherwise it may have.
    """

    def __init__(self, service: str, reason: str, *, sent: bool = True, status: int | None = None) -> None:
        super().__init__(f"{service}: {reason}")
        self.service = service
        self.reason = reason
        self.sent = sent
        self.status = status


class CircuitOpen(UpstreamUnavailable):
    """Refused without a call: the service failed too often just now (its breaker is open)."""

    def __init__(self, service: str) -> None:
        super().__init__(service, "circuit open", sent=False)


class UpstreamError(Exception):
    """The service answered with a 4xx problem; `code` is its machine-readable code."""

    def __init__(self, service: str, status: int, problem: dict[str, Any]) -> None:
        super().__init__(problem.get("detail") or f"{service} answered {status}")
        self.service = service
        self.status = status
        self.problem = problem
        self.code = str(problem.get("code", "UPSTREAM_ERROR"))


@dataclass(frozen=True)
class RetryPolicy:
    """How hard one call tries: attempts, and the pause between them (the timeout bounds it all)."""

    attempts: int = 3
    connect_timeout_s: float = 1.0
    first_pause_s: float = 0.05
    max_pause_s: float = 0.5


def is_idempotent(method: str, headers: dict[str, str] | None) -> bool:
    return method in IDEMPOTENT_METHODS or any(name.lower() == "idempotency-key" for name in headers or {})


def worth_retrying(exc: BaseException, *, idempotent: bool) -> bool:
    """A failure another attempt may cure, and that cannot make the request happen twice."""
    if not isinstance(exc, UpstreamUnavailable) or isinstance(exc, CircuitOpen):
        return False
    if not exc.sent:
        return True
    return idempotent and (exc.status is None or exc.status in RETRIED_STATUSES)


@dataclass(frozen=True)
class CallerHeaders:
    """What every upstream call carries on behalf of the GraphQL caller."""

    authorization: str | None = None

    def as_headers(self) -> dict[str, str]:
        headers = {"accept": "application/json"}
        if self.authorization:
            headers["authorization"] = self.authorization
        # The gateway's own span (a child of the caller's traceparent) goes on: one trace end to end.
        inject_trace_headers(headers)
        request_id = current_request_id()
        if request_id:
            headers["x-request-id"] = request_id
        return headers


class ServiceClient:
    """Base of the typed clients: JSON over one shared session, errors made explicit."""

    def __init__(
        self,
        service: str,
        base_url: str,
        session: aiohttp.ClientSession,
        caller: CallerHeaders,
        timeout_s: float,
        *,
        retry: RetryPolicy | None = None,
        breaker: CircuitBreaker | None = None,
    ) -> None:
        self.service = service
        self.base_url = base_url.rstrip("/")
        self.session = session
        self.caller = caller
        self.timeout_s = timeout_s
        self.retry = retry or RetryPolicy()
        self.breaker = breaker
        self.calls = 0  # upstream calls made for this request (tests and benchmarks read it)

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        headers: dict[str, str] | None = None,
        retry_reads: bool = True,
        accept_statuses: tuple[int, ...] = (),
    ) -> tuple[int, Any]:
        """Send one request through the breaker, retried as the module says, all within the timeout.

        `retry_reads=False` is a probe: one attempt, past the breaker (it reports what is, now).
        """
        deadline = asyncio.get_running_loop().time() + self.timeout_s
        if not retry_reads:
            return await self._send(method, path, params, json, headers, accept_statuses, deadline)
        breaker = self.breaker
        if breaker is None:
            return await self._retried(method, path, params, json, headers, accept_statuses, deadline)
        if not breaker.try_acquire():
            raise CircuitOpen(self.service)
        # The breaker judges whole calls, retries included: N calls in a row found the service down.
        try:
            result = await self._retried(method, path, params, json, headers, accept_statuses, deadline)
        except UpstreamUnavailable as exc:
            # A 500 is an answer (a bug on one route); only silence and 502/503/504 mean "down".
            if exc.status is None or exc.status in RETRIED_STATUSES:
                breaker.failed()
            else:
                breaker.succeeded()
            raise
        except UpstreamError:
            breaker.succeeded()  # it answered
            raise
        except BaseException:
            breaker.abandoned()  # cancelled, or a bug of ours: no verdict on the service
            raise
        breaker.succeeded()
        return result

    async def _retried(
        self,
        method: str,
        path: str,
        params: dict[str, Any] | None,
        json: Any,
        headers: dict[str, str] | None,
        accept_statuses: tuple[int, ...],
        deadline: float,
    ) -> tuple[int, Any]:
        idempotent = is_idempotent(method, headers)
        policy = self.retry
        retrying = AsyncRetrying(
            stop=stop_after_attempt(policy.attempts) | stop_before_delay(self.timeout_s),
            wait=wait_exponential_jitter(
                multiplier=policy.first_pause_s, max=policy.max_pause_s, jitter=policy.first_pause_s
            ),
            retry=retry_if_exception(lambda exc: worth_retrying(exc, idempotent=idempotent)),
            reraise=True,
        )
        sent = False
        try:
            async for attempt in retrying:
                with attempt:
                    try:
                        return await self._send(method, path, params, json, headers, accept_statuses, deadline)
                    except UpstreamUnavailable as exc:
                        sent = sent or exc.sent
                        raise
        except UpstreamUnavailable as exc:
            if sent and not exc.sent:  # the last attempt was not sent, an earlier one was: it may have happened
                raise UpstreamUnavailable(exc.service, exc.reason, sent=True, status=exc.status) from exc
            raise
        raise AssertionError("unreachable: tenacity reraises the last failure")

    async def _send(
        self,
        method: str,
        path: str,
        params: dict[str, Any] | None,
        json: Any,
        headers: dict[str, str] | None,
        accept_statuses: tuple[int, ...],
        deadline: float,
    ) -> tuple[int, Any]:
        remaining = deadline - asyncio.get_running_loop().time()
        if remaining <= 0:
            raise UpstreamUnavailable(self.service, "TimeoutError", sent=False)
        self.calls += 1
        all_headers = self.caller.as_headers()
        if headers:
            all_headers.update(headers)
        data = None
        if json is not None:
            data = orjson.dumps(json)
            all_headers["content-type"] = "application/json"
        # `connect` covers waiting for a pooled connection and opening one: past it, nothing was sent.
        timeout = aiohttp.ClientTimeout(total=remaining, connect=min(self.retry.connect_timeout_s, remaining))
        started = time.perf_counter()
        status = 0
        try:
            async with self.session.request(
                method,
                self.base_url + path,
                params=_query(params),
                data=data,
                headers=all_headers,
                timeout=timeout,
            ) as response:
                status = response.status
                raw = await response.read()
                if status == 500:
                    _drop_connection(response)
        except NOT_SENT_ERRORS as exc:
            raise UpstreamUnavailable(self.service, type(exc).__name__, sent=False) from exc
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise UpstreamUnavailable(self.service, type(exc).__name__) from exc
        finally:
            UPSTREAM_LATENCY.labels(self.service, method, str(status)).observe(time.perf_counter() - started)
        return status, _checked(self.service, status, raw, accept_statuses)

    async def get(self, path: str, **params: Any) -> Any:
        return (await self.request("GET", path, params=params))[1]

    async def post(self, path: str, body: Any = None, *, headers: dict[str, str] | None = None) -> Any:
        return (await self.request("POST", path, json=body if body is not None else {}, headers=headers))[1]

    async def patch(self, path: str, body: Any, *, if_match: int | None = None) -> Any:
        headers = {"if-match": f'"{if_match}"'} if if_match is not None else None
        return (await self.request("PATCH", path, json=body, headers=headers))[1]

    async def page(self, resource: str, **params: Any) -> dict[str, Any]:
        """`GET /v1/<resource>` with filters: `{"items": [...], "next_cursor": ...}`."""
        body: dict[str, Any] = await self.get(f"/v1/{resource}", **params)
        return body

    async def batch(self, resource: str, ids: list[str], **params: Any) -> dict[str, dict[str, Any]]:
        """`GET /v1/<resource>:batch` — the readable ones, keyed by id (`params` such as `fields`)."""
        if not ids:
            return {}
        body = await self.get(f"/v1/{resource}:batch", ids=",".join(ids), **params)
        return {item["id"]: item for item in body["items"]}

    async def events(self, *, after: str, limit: int, **filters: Any) -> EventPage:
        """`GET /v1/events` (the kit's feed, the same in every service) after the cursor."""
        return EventPage.model_validate(await self.get("/v1/events", after=after, limit=limit, **filters))

    async def readiness(self) -> dict[str, Any]:
        """The service's `/readyz` body, whether ready (200) or not (503)."""
        _, body = await self.request("GET", "/readyz", retry_reads=False, accept_statuses=(503,))
        return body if isinstance(body, dict) else {}


def _drop_connection(response: aiohttp.ClientResponse) -> None:
    """Close the connection a 500 came on, so that no later request is sent on it.

    uvicorn closes it itself, unannounced (no `Connection: close`), right after the 500 of an error
    the app did not handle; aiohttp has already put it back in the pool by then (a small body is
    read with the headers), and the next request taken from the pool is written into a socket the
    server is closing: it fails, and a POST cannot be retried because it was sent. aiohttp keeps the
    connection only as the response's protocol.
    """
    protocol = getattr(response, "_protocol", None)
    if protocol is not None:
        protocol.close()


def _checked(service: str, status: int, raw: bytes, accept_statuses: tuple[int, ...]) -> Any:
    """The decoded body, or the error its status means (a 5xx need not be JSON: uvicorn's is text)."""
    try:
        body = orjson.loads(raw) if raw else None
    except orjson.JSONDecodeError:
        if status < 400:
            raise UpstreamUnavailable(service, f"HTTP {status} with a body that is not JSON", status=status) from None
        body = None
    if status >= 500 and status not in accept_statuses:
        raise UpstreamUnavailable(service, f"HTTP {status}", status=status)
    if status >= 400 and status not in accept_statuses:
        raise UpstreamError(service, status, body if isinstance(body, dict) else {})
    return body


def _query(params: dict[str, Any] | None) -> list[tuple[str, str]] | None:
    """aiohttp wants strings; lists become repeated parameters, None is left out."""
    if not params:
        return None
    pairs: list[tuple[str, str]] = []
    for name, value in params.items():
        if value is None:
            continue
        values = value if isinstance(value, list | tuple | set | frozenset) else [value]
        pairs.extend((name, str(v).lower() if isinstance(v, bool) else str(v)) for v in values)
    return pairs
