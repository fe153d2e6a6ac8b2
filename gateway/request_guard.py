"""Refuse malformed GraphQL requests before anything parses them for real: 400/415 problem+json.

The feed cache and Strawberry each decode the body with the standard `json` module, which answers
a 5000-deep array with a RecursionError (a 500) and bytes that are not UTF-8 with a
UnicodeDecodeError (a 500). This middleware, in front of both, checks once and cheaply: the media
type, the encoding, the JSON syntax and nesting depth, and the size of `variables` (coercing a
huge list of variables is work done before any limit on the document applies). GET requests get
the same checks on their `variables` and `extensions` parameters.
"""

from typing import Any
from urllib.parse import parse_qs

import orjson
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.request_body import read_body, replay
from services.common.errors import problem_response


class _Refused(Exception):
    def __init__(self, status: int, code: str, title: str, detail: str, detail_zh: str) -> None:
        super().__init__(detail)
        self.status, self.code, self.title, self.detail, self.detail_zh = status, code, title, detail, detail_zh


class GraphQLRequestGuard:
    """Pure ASGI middleware for `/graphql`."""

    def __init__(self, app: ASGIApp, max_json_depth: int, max_variables_bytes: int) -> None:
        self.app = app
        self.max_json_depth = max_json_depth
        self.max_variables_bytes = max_variables_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].rstrip("/") != "/graphql":
            await self.app(scope, receive, send)
            return
        try:
            if scope["method"] == "POST":
                body = await read_body(receive)
                self._check_post(scope, body)
                receive = replay(body)
            elif scope["method"] == "GET":
                self._check_get(scope)
        except _Refused as refusal:
            response = problem_response(refusal.status, refusal.code, refusal.title, refusal.detail, refusal.detail_zh)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _check_post(self, scope: Scope, body: bytes) -> None:
        content_type = dict(scope["headers"]).get(b"content-type", b"").decode("latin-1")
        media_type = content_type.partition(";")[0].strip().lower()
        if media_type != "application/json":
            raise _Refused(
                415,
                "UNSUPPORTED_MEDIA_TYPE",
                "Unsupported media type",
                "POST /graphql takes `Content-Type: application/json`.",
                "POST /graphql 须使用 Content-Type: application/json。",
            )
        payload = self._decode(body, "The request body")
        if isinstance(payload, dict):
            self._check_variables(payload.get("variables"))

    def _check_get(self, scope: Scope) -> None:
        params = parse_qs(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True, encoding="latin-1")
        for name in ("variables", "extensions"):
            for value in params.get(name, []):
                if value:
                    decoded = self._decode(value.encode("latin-1"), f"The `{name}` parameter")
                    if name == "variables":
                        self._check_variables(decoded)

    def _decode(self, raw: bytes, what: str) -> Any:
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            raise _Refused(
                400, "INVALID_ENCODING", "Invalid encoding", f"{what} is not UTF-8.", "请求内容不是 UTF-8 编码。"
            ) from None
        try:
            payload = orjson.loads(raw)  # C, and bounded: deeper than 1024 is an error, not a recursion crash
        except orjson.JSONDecodeError as exc:
            if "depth limit" in str(exc) or "recursion" in str(exc).lower():  # only the message says which
                raise self._too_deep(what) from None
            raise _Refused(
                400, "MALFORMED_JSON", "Malformed JSON", f"{what} is not valid JSON.", "请求内容不是有效的 JSON。"
            ) from None
        if _depth_exceeds(payload, self.max_json_depth):
            raise self._too_deep(what)
        return payload

    def _too_deep(self, what: str) -> _Refused:
        return _Refused(
            400,
            "JSON_TOO_DEEP",
            "JSON nested too deeply",
            f"{what} nests JSON deeper than {self.max_json_depth} levels.",
            f"请求 JSON 嵌套超过 {self.max_json_depth} 层。",
        )

    def _check_variables(self, variables: Any) -> None:
        if variables is None:
            return
        size = len(orjson.dumps(variables))
        if size > self.max_variables_bytes:
            raise _Refused(
                400,
                "VARIABLES_TOO_LARGE",
                "Variables too large",
                f"`variables` take {size} bytes; the limit is {self.max_variables_bytes}.",
                f"variables 占 {size} 字节，上限为 {self.max_variables_bytes} 字节。",
            )


def _depth_exceeds(value: Any, limit: int) -> bool:
    """Whether arrays and objects nest deeper than `limit`; iterative, stops at the first too deep."""
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False
