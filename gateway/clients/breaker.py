"""A circuit breaker per upstream: after N consecutive failures, calls fail at once for a cool-down.

Closed: calls go through; `failures` consecutive failures open it. Open: calls are refused without
touching the network until `cooldown_s` has passed. Half-open: one trial call goes through (the
rest are still refused); its success closes the breaker, its failure opens it for another cool-down.

Written here rather than taken from a library: aiobreaker has had no release since 2021, and
purgatory reads the wall clock (`time.time()`) and lets every concurrent call through while
half-open, which is the stampede on a recovering service that a breaker exists to prevent.
Time is the event loop's monotonic clock (never the wall clock, which the kit's clock may shift).
"""

import asyncio
import weakref
from collections.abc import Callable
from enum import Enum

import aiohttp


class BreakerState(Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


def _loop_time() -> float:
    return asyncio.get_running_loop().time()


class CircuitBreaker:
    """The health of one upstream as this process has seen it (not of one request)."""

    def __init__(self, failures: int, cooldown_s: float, now: Callable[[], float] = _loop_time) -> None:
        self.threshold = failures
        self.cooldown_s = cooldown_s
        self._now = now
        self._failures = 0
        self._opened_at: float | None = None
        self._trial_running = False

    @property
    def state(self) -> BreakerState:
        if self._opened_at is None:
            return BreakerState.CLOSED
        if self._now() - self._opened_at < self.cooldown_s:
            return BreakerState.OPEN
        return BreakerState.HALF_OPEN

    def try_acquire(self) -> bool:
        """May a call go out now? In half-open state only one at a time may (the trial)."""
        state = self.state
        if state is BreakerState.CLOSED:
            return True
        if state is BreakerState.HALF_OPEN and not self._trial_running:
            self._trial_running = True
            return True
        return False

    def succeeded(self) -> None:
        """The upstream answered: close the breaker."""
        self._failures = 0
        self._opened_at = None
        self._trial_running = False

    def failed(self) -> None:
        """The upstream did not answer usefully: count it; a failed trial reopens at once."""
        self._failures += 1
        if self._trial_running or self._failures >= self.threshold:
            self._opened_at = self._now()
        self._trial_running = False

    def abandoned(self) -> None:
        """The call ended without an outcome (cancelled): let another call be the trial."""
        self._trial_running = False


# One set of breakers per connection pool, i.e. per gateway process (and per app in tests).
_BREAKERS: "weakref.WeakKeyDictionary[aiohttp.ClientSession, dict[str, CircuitBreaker]]" = weakref.WeakKeyDictionary()


def breaker_for(session: aiohttp.ClientSession, service: str, failures: int, cooldown_s: float) -> CircuitBreaker:
    """The breaker of `service` for the process that owns `session`."""
    breakers = _BREAKERS.setdefault(session, {})
    if service not in breakers:
        breakers[service] = CircuitBreaker(failures, cooldown_s)
    return breakers[service]
