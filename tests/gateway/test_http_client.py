"""The gateway's HTTP client against a real uvicorn server: what is retried, the connection after a
500, pool timeouts, the time budget, and the circuit breaker per upstream."""

import asyncio
import socket
import threading
from collections import Counter
from collections.abc import AsyncIterator, Iterator

import aiohttp
import pytest
import uvicorn
from fastapi import FastAPI, Request, Response

from gateway.clients.base import CallerHeaders, CircuitOpen, RetryPolicy, ServiceClient, UpstreamUnavailable
from gateway.clients.breaker import BreakerState, CircuitBreaker
from gateway.clients.registry import Upstreams
from services.common.settings import Settings

HITS: Counter[str] = Counter()


def _upstream() -> FastAPI:
    app = FastAPI()

    @app.post("/boom")
    async def boom() -> dict[str, str]:
        HITS["boom"] += 1
        raise RuntimeError("an error no handler takes: uvicorn answers 500 and drops the connection")

    @app.api_route("/flaky/{name}", methods=["GET", "POST", "PUT", "DELETE"])
    async def flaky(name: str, request: Request, fail: int = 2, status: int = 503) -> Response:
        """Answers `status` to the first `fail` calls of `name`, then 200."""
        HITS[name] += 1
        if HITS[name] <= fail:
            return Response(status_code=status, content=b'{"code": "DOWN"}', media_type="application/json")
        return Response(content=b'{"ok": true}', media_type="application/json")

    @app.api_route("/slow/{name}", methods=["GET", "POST"])
    async def slow(name: str, seconds: float = 1.0) -> dict[str, bool]:
        HITS[name] += 1
        await asyncio.sleep(seconds)
        return {"ok": True}

    return app


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def upstream_url() -> Iterator[str]:
    """A real uvicorn, in a thread with its own event loop, as the services run."""
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(_upstream(), host="127.0.0.1", port=port, log_level="critical"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        threading.Event().wait(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=5)


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    HITS.clear()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit_per_host=1)) as session:
        yield session


def _client(
    session: aiohttp.ClientSession,
    url: str,
    *,
    timeout_s: float = 5.0,
    breaker: CircuitBreaker | None = None,
    **retry: float,
) -> ServiceClient:
    policy = RetryPolicy(**{"attempts": 3, "connect_timeout_s": 1.0, **retry})  # type: ignore[arg-type]
    return ServiceClient("upstream", url, session, CallerHeaders(), timeout_s, retry=policy, breaker=breaker)


class TestAfterA500:
    async def test_the_next_post_goes_out_on_a_fresh_connection(
        self, session: aiohttp.ClientSession, upstream_url: str
    ) -> None:
        """Before: 30 of 30 POSTs after a 500 failed (ClientOSError on the connection uvicorn dropped)."""
        client = _client(session, upstream_url)
        for round_ in range(30):
            with pytest.raises(UpstreamUnavailable) as failure:
                await client.post("/boom")
            assert (failure.value.status, failure.value.sent) == (500, True)
            assert await client.post(f"/flaky/after-{round_}?fail=0") == {"ok": True}
        assert HITS["boom"] == 30  # a 500 is an answer: never retried


class TestRetries:
    @pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
    async def test_idempotent_requests_are_retried_after_503(
        self, session: aiohttp.ClientSession, upstream_url: str, method: str
    ) -> None:
        client = _client(session, upstream_url)
        assert await client.request(method, f"/flaky/{method}?fail=2") == (200, {"ok": True})
        assert HITS[method] == 3

    async def test_a_post_with_an_idempotency_key_is_retried(
        self, session: aiohttp.ClientSession, upstream_url: str
    ) -> None:
        client = _client(session, upstream_url)
        body = await client.post("/flaky/keyed?fail=2&status=504", {}, headers={"Idempotency-Key": "k1"})
        assert body == {"ok": True} and HITS["keyed"] == 3

    async def test_a_post_without_a_key_that_was_sent_is_not_retried(
        self, session: aiohttp.ClientSession, upstream_url: str
    ) -> None:
        client = _client(session, upstream_url)
        with pytest.raises(UpstreamUnavailable) as failure:
            await client.post("/flaky/unkeyed?fail=2")
        assert (failure.value.status, failure.value.sent, HITS["unkeyed"]) == (503, True, 1)

    async def test_attempts_are_bounded(self, session: aiohttp.ClientSession, upstream_url: str) -> None:
        client = _client(session, upstream_url)
        with pytest.raises(UpstreamUnavailable):
            await client.get("/flaky/bounded?fail=100")
        assert HITS["bounded"] == 3

    async def test_a_post_that_could_not_connect_is_retried_and_says_it_was_not_sent(
        self, session: aiohttp.ClientSession
    ) -> None:
        client = _client(session, f"http://127.0.0.1:{_free_port()}")  # nothing listens there
        with pytest.raises(UpstreamUnavailable) as failure:
            await client.post("/anything", {})
        assert failure.value.sent is False and client.calls == 3

    async def test_a_post_that_waited_too_long_for_a_pooled_connection_is_retried(
        self, session: aiohttp.ClientSession, upstream_url: str
    ) -> None:
        """One connection per host: a slow read holds it, the POST's waits time out (not sent), then it goes."""
        client = _client(session, upstream_url, attempts=6, connect_timeout_s=0.3)
        slow = asyncio.create_task(client.get("/slow/holder?seconds=1.0"))
        await asyncio.sleep(0.1)
        assert await client.post("/flaky/waiting?fail=0", {}) == {"ok": True}
        await slow
        assert HITS["waiting"] == 1 and client.calls >= 3  # the slow read, and the POST at least twice

    async def test_every_attempt_and_pause_fits_in_the_timeout(
        self, session: aiohttp.ClientSession, upstream_url: str
    ) -> None:
        client = _client(session, upstream_url, timeout_s=0.8, attempts=5)
        loop = asyncio.get_running_loop()
        started = loop.time()
        with pytest.raises(UpstreamUnavailable):
            await client.get("/slow/hanging?seconds=3")
        assert loop.time() - started < 1.0
        assert HITS["hanging"] == 1  # the first attempt used the whole budget

    async def test_a_failure_after_a_sent_attempt_may_have_happened(self, session: aiohttp.ClientSession) -> None:
        """A keyed POST answered 503 and then could not connect: the caller must not think it never happened."""
        app = FastAPI()
        port = _free_port()

        @app.post("/once")
        async def once() -> Response:
            server.should_exit = True  # answers once, then the port closes
            return Response(status_code=503)

        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical"))
        serving = asyncio.create_task(server.serve())
        for _ in range(250):  # uvicorn offers no event to wait on
            if server.started:
                break
            await asyncio.sleep(0.02)
        client = _client(session, f"http://127.0.0.1:{port}", first_pause_s=0.3)
        with pytest.raises(UpstreamUnavailable) as failure:
            await client.post("/once", {}, headers={"Idempotency-Key": "k2"})
        await serving
        assert failure.value.sent is True


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class TestCircuitBreaker:
    def test_opens_after_consecutive_failures_and_lets_one_trial_through_after_the_cool_down(self) -> None:
        time = FakeTime()
        breaker = CircuitBreaker(failures=3, cooldown_s=5, now=time)
        for _ in range(2):
            assert breaker.try_acquire()
            breaker.failed()
        assert breaker.state is BreakerState.CLOSED
        assert breaker.try_acquire()
        breaker.failed()
        assert breaker.state is BreakerState.OPEN and not breaker.try_acquire()
        time.now += 5
        assert breaker.state is BreakerState.HALF_OPEN
        assert breaker.try_acquire()
        assert not breaker.try_acquire()  # one trial at a time
        breaker.succeeded()
        assert breaker.state is BreakerState.CLOSED and breaker.try_acquire()

    def test_a_failed_trial_opens_it_again_for_a_whole_cool_down(self) -> None:
        time = FakeTime()
        breaker = CircuitBreaker(failures=1, cooldown_s=5, now=time)
        breaker.failed()
        time.now += 6
        assert breaker.try_acquire()
        breaker.failed()
        time.now += 4.9
        assert breaker.state is BreakerState.OPEN and not breaker.try_acquire()

    def test_a_success_resets_the_count_and_an_abandoned_trial_frees_the_slot(self) -> None:
        time = FakeTime()
        breaker = CircuitBreaker(failures=2, cooldown_s=5, now=time)
        breaker.failed()
        breaker.succeeded()
        breaker.failed()
        assert breaker.state is BreakerState.CLOSED
        breaker.failed()
        time.now += 5
        assert breaker.try_acquire()
        breaker.abandoned()
        assert breaker.try_acquire()

    async def test_an_open_breaker_answers_at_once_without_calling(self, session: aiohttp.ClientSession) -> None:
        breaker = CircuitBreaker(failures=3, cooldown_s=30)
        client = _client(session, f"http://127.0.0.1:{_free_port()}", breaker=breaker, attempts=1)
        for _ in range(3):
            with pytest.raises(UpstreamUnavailable):
                await client.get("/down")
        assert breaker.state is BreakerState.OPEN
        loop = asyncio.get_running_loop()
        started, calls = loop.time(), client.calls
        with pytest.raises(CircuitOpen) as refused:
            await client.post("/down", {})
        assert loop.time() - started < 0.05 and client.calls == calls and refused.value.sent is False

    async def test_answers_keep_it_closed(self, session: aiohttp.ClientSession, upstream_url: str) -> None:
        """A 500 or a 4xx is the service answering: only silence and 502/503/504 count as failures."""
        breaker = CircuitBreaker(failures=2, cooldown_s=30)
        client = _client(session, upstream_url, breaker=breaker, attempts=1)
        for _ in range(3):
            with pytest.raises(UpstreamUnavailable):
                await client.post("/boom")
        assert breaker.state is BreakerState.CLOSED
        for _ in range(2):
            with pytest.raises(UpstreamUnavailable):
                await client.get("/flaky/down?fail=10")
        assert breaker.state is BreakerState.OPEN

    async def test_each_upstream_has_one_breaker_per_process(self, session: aiohttp.ClientSession) -> None:
        settings = Settings(environment="test", upstream_breaker_failures=7)
        first = Upstreams.for_caller(session, settings, CallerHeaders())
        second = Upstreams.for_caller(session, settings, CallerHeaders(authorization="Bearer x"))
        assert first.case.breaker is second.case.breaker and first.case.breaker is not first.resources.breaker
        assert first.case.breaker is not None and first.case.breaker.threshold == 7
