"""A response cache for the public wish feed, which is the same for every caller.

The feed is what third-party apps poll. Executing it costs the gateway far more than the one
upstream call behind it, so a cacheable request (a query whose only root field is
`publicWishes`) is answered from the cache when the case service's feed version — a digest of
its MVCC snapshot — has not moved since the response was stored. One tiny upstream call per
request keeps the cache exact: a claimed wish can never be served as open from here.

Clients get an `ETag` and may revalidate with `If-None-Match` (304). Authorization still runs
first: anonymous callers only when settings allow, app clients only with `wishes:read`.
"""

import hashlib
import json
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache

import aiohttp
from graphql import FieldNode, GraphQLError, OperationDefinitionNode, OperationType
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.limits.documents import parse_bounded
from gateway.request_body import read_body, replay
from services.common.auth import Principal, TokenVerifier
from services.common.errors import DomainError
from services.common.request_context import current_request_id
from services.common.vocabulary import Role

CACHEABLE_ROOT_FIELDS = frozenset({"publicWishes", "__typename"})
MAX_ENTRIES = 256
VERSION_TIMEOUT = aiohttp.ClientTimeout(total=2)


MAX_FEED_QUERY_CHARS = 8192  # a feed query is a few hundred characters; longer ones are never cached


@lru_cache(maxsize=512)
def is_cacheable_query(query: str, max_tokens: int) -> bool:
    try:
        document = parse_bounded(query, max_tokens)
    except GraphQLError:
        return False
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1 or operations[0].operation is not OperationType.QUERY:
        return False
    selections = operations[0].selection_set.selections
    return all(isinstance(s, FieldNode) and s.name.value in CACHEABLE_ROOT_FIELDS for s in selections)


@dataclass
class Entry:
    version: str
    etag: str
    body: bytes


class PublicFeedCache:
    """Pure ASGI middleware in front of `/graphql`."""

    def __init__(
        self, app: ASGIApp, case_url: str, verifier: TokenVerifier, allow_anonymous: bool, max_tokens: int
    ) -> None:
        self.app = app
        self.max_tokens = max_tokens
        self.version_url = case_url.rstrip("/") + "/v1/public-wishes:version"
        self.verifier = verifier
        self.allow_anonymous = allow_anonymous
        self.entries: OrderedDict[str, Entry] = OrderedDict()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"].rstrip("/") != "/graphql":
            await self.app(scope, receive, send)
            return
        body = await read_body(receive)
        key = await self._cache_key(scope, body)
        version = await self._version(scope["app"].state.http) if key is not None else None
        if key is None or version is None:
            await self.app(scope, replay(body), send)
            return
        entry = self.entries.get(key)
        if entry is not None and entry.version == version:
            self.entries.move_to_end(key)
            await self._answer(scope, send, entry)
            return
        captured = await self._run(scope, body, send)
        if captured is not None:
            etag = '"' + hashlib.sha1(f"{key}:{version}".encode()).hexdigest()[:20] + '"'
            self.entries[key] = Entry(version, etag, captured)
            while len(self.entries) > MAX_ENTRIES:
                self.entries.popitem(last=False)

    async def _cache_key(self, scope: Scope, body: bytes) -> str | None:
        try:
            payload = json.loads(body)  # GraphQLRequestGuard, in front, let only bounded UTF-8 JSON through
        except ValueError:
            return None
        if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
            return None
        query = payload["query"]
        if len(query) > MAX_FEED_QUERY_CHARS or not is_cacheable_query(query, self.max_tokens):
            return None
        if not await self._may_read(scope):
            return None
        return json.dumps(
            [payload["query"], payload.get("variables") or {}, payload.get("operationName")], sort_keys=True
        )

    async def _may_read(self, scope: Scope) -> bool:
        header = dict(scope["headers"]).get(b"authorization", b"").decode("latin-1")
        scheme, _, token = header.partition(" ")
        if not token:
            return self.allow_anonymous and not header
        try:
            principal: Principal = await self.verifier.verify(token.strip()) if scheme.lower() == "bearer" else None  # type: ignore[assignment]
        except DomainError:
            return False
        if principal is None:
            return False
        return principal.role is not Role.APP_CLIENT or principal.has_scope("wishes:read")

    async def _version(self, session: aiohttp.ClientSession) -> str | None:
        """The feed's version, over the gateway's shared connection pool."""
        headers = {"x-request-id": current_request_id() or ""}
        try:
            async with session.get(self.version_url, headers=headers, timeout=VERSION_TIMEOUT) as response:
                if response.status != 200:
                    return None
                return str((await response.json())["version"])
        except (aiohttp.ClientError, TimeoutError, OSError, KeyError, ValueError):
            return None  # no version, no caching: the request runs normally

    async def _answer(self, scope: Scope, send: Send, entry: Entry) -> None:
        if_none_match = dict(scope["headers"]).get(b"if-none-match", b"").decode("latin-1")
        status, body = (304, b"") if if_none_match == entry.etag else (200, entry.body)
        headers = [
            (b"content-type", b"application/json"),
            (b"etag", entry.etag.encode()),
            (b"cache-control", b"no-cache"),
            (b"x-feed-cache", b"hit"),
        ]
        if status == 200:
            headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def _run(self, scope: Scope, body: bytes, send: Send) -> bytes | None:
        """Run the request; return its body when it is a clean 200 worth storing."""
        status = 0
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        await self.app(scope, replay(body), capture)
        data = b"".join(chunks)
        if status != 200 or b'"errors"' in data:
            return None
        return data
