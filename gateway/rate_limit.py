"""Requests per caller to `/graphql`, counted before the body is read: 429 with `Retry-After`.

Three policies, each a `limits` string in the settings: anonymous callers by client address,
app clients by their token's subject, every other token (staff, organisation staff, volunteers)
by its subject. A token that does not verify counts as anonymous, so forging subjects buys
nothing. Every answer carries the IETF `RateLimit-Policy` and `RateLimit` headers
(draft-ietf-httpapi-ratelimit-headers): the quota, the window, what is left and when it refills.

Counts live in `limits`' storage: in the process by default (each replica counts on its own), or
Redis when replicas share them. A storage that fails lets requests through and logs: the limit
protects the services, it is not what decides who may read what.
"""

import ipaddress
import logging
import math
from dataclasses import dataclass
from typing import cast

from limits import RateLimitItem, parse
from limits.aio.storage import SlidingWindowCounterSupport, Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from limits.errors import StorageError
from limits.storage import storage_from_string
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.common.auth import TokenVerifier
from services.common.errors import problem_response
from services.common.settings import Settings
from services.common.vocabulary import Role

logger = logging.getLogger("wushe.gateway.rate_limit")
NAMESPACE = "wushe-graphql"


@dataclass(frozen=True)
class Policy:
    name: str  # `anonymous`, `app` or `user`: the policy's name in the headers
    item: RateLimitItem

    @property
    def header(self) -> str:
        return f'"{self.name}";q={self.item.amount};w={self.item.get_expiry()}'


def policies(settings: Settings) -> dict[str, Policy | None]:
    """The configured policies by name; None where the setting is empty (no limit)."""
    configured = {
        "anonymous": settings.graphql_rate_limit_anonymous,
        "app": settings.graphql_rate_limit_app,
        "user": settings.graphql_rate_limit_user,
    }
    return {name: Policy(name, parse(value)) if value.strip() else None for name, value in configured.items()}


def storage_for(url: str) -> Storage:
    """`limits`' async storage: `memory://` and `redis://…` are taken in their async form."""
    scheme_url = url if url.startswith("async+") else f"async+{url}"
    storage = storage_from_string(scheme_url, wrap_exceptions=True)
    assert isinstance(storage, Storage)
    return storage


@dataclass(frozen=True)
class RateLimits:
    policies: dict[str, Policy | None]
    limiter: SlidingWindowCounterRateLimiter

    @classmethod
    def from_settings(cls, settings: Settings) -> "RateLimits":
        """Built when the app is: a malformed limit or storage URL stops the gateway from starting."""
        storage = storage_for(settings.graphql_rate_limit_storage_url)
        return cls(policies(settings), SlidingWindowCounterRateLimiter(storage))


class RateLimit:
    """Pure ASGI middleware; only the request id and the instrumentation run before it."""

    def __init__(self, app: ASGIApp, limits: RateLimits, verifier: TokenVerifier) -> None:
        self.app = app
        self.verifier = verifier
        self.policies = limits.policies
        self.limiter = limits.limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].rstrip("/") != "/graphql":
            await self.app(scope, receive, send)
            return
        name, key = await self._partition(scope)
        policy = self.policies[name]
        if policy is None:
            await self.app(scope, receive, send)
            return
        try:
            allowed = await self.limiter.hit(policy.item, NAMESPACE, name, key)
            remaining, reset_s = await self._window(policy, name, key)
        except StorageError:
            logger.warning("rate limit storage failed; request let through", exc_info=True)
            await self.app(scope, receive, send)
            return
        headers = [
            (b"ratelimit-policy", policy.header.encode()),
            (b"ratelimit", f'"{policy.name}";r={remaining};t={reset_s}'.encode()),
        ]
        if not allowed:
            retry_after = max(1, reset_s)
            response = problem_response(
                429,
                "RATE_LIMITED",
                "Too many requests",
                f"More than {policy.item.amount} requests per {policy.item.get_expiry()} s ({name}); "
                f"retry after {retry_after} s.",
                f"请求过于频繁（每 {policy.item.get_expiry()} 秒至多 {policy.item.amount} 次），"
                f"请 {retry_after} 秒后重试。",
                policy=name,
            )
            response.headers["retry-after"] = str(retry_after)
            response.raw_headers.extend(headers)
            await response(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *headers]
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _window(self, policy: Policy, name: str, key: str) -> tuple[int, int]:
        """Requests left and whole seconds until one more is allowed, from the counters' own ages.

        The strategy's `get_window_stats` gives an epoch instead, to be read against the wall clock;
        this is its formula on the relative figures, so that nothing here reads the clock.
        """
        item = policy.item
        expiry = item.get_expiry()
        storage = cast(SlidingWindowCounterSupport, self.limiter.storage)
        previous, previous_ttl, current, current_ttl = await storage.get_sliding_window(
            item.key_for(NAMESPACE, name, key), expiry
        )
        remaining = max(0, item.amount - math.floor(previous * previous_ttl / expiry + current))
        waits = []
        if previous:
            waits.append(previous_ttl % (expiry / previous))  # the next earlier request to fall out
        if current:
            waits.append(current_ttl % expiry)
        return remaining, math.ceil(min(waits, default=0.0))

    async def _partition(self, scope: Scope) -> tuple[str, str]:
        """The policy and the key a request counts against."""
        header = dict(scope["headers"]).get(b"authorization", b"").decode("latin-1")
        scheme, _, token = header.partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            try:
                principal = await self.verifier.verify(token.strip())
            except Exception:  # an invalid token, or keys that cannot be fetched: the caller is anonymous here
                principal = None
            if principal is not None:
                return ("app" if principal.role is Role.APP_CLIENT else "user"), principal.subject
        client = scope.get("client")
        return "anonymous", _address_key(client[0]) if client else "unknown"


def _address_key(address: str) -> str:
    """An IPv4 address, or the /64 of an IPv6 one: a single host is routinely handed a whole /64,
    and counting its addresses apart would give it billions of quotas."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    return str(ipaddress.ip_network(f"{ip}/64", strict=False)) if ip.version == 6 else str(ip)
