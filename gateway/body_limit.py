"""Refuse oversized request bodies before anything parses them (HTTP 413, problem+json)."""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.common.errors import problem_response


class BodySizeLimit:
    """`max_bytes` for every request, except paths under a prefix of `by_prefix`, which have their own
    (the proof photo upload: `WUSHE_PROOF_PHOTO_MAX_BYTES` plus multipart framing)."""

    def __init__(self, app: ASGIApp, max_bytes: int, by_prefix: dict[str, int] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.by_prefix = by_prefix or {}

    def limit_for(self, path: str) -> int:
        for prefix, limit in self.by_prefix.items():
            if path.startswith(prefix):
                return limit
        return self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, receive, send, limit)
            return
        received = 0

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, counted_receive, send)
        except _TooLarge:
            await self._refuse(scope, receive, send, limit)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        response = problem_response(
            413,
            "PAYLOAD_TOO_LARGE",
            "Payload too large",
            f"The request body exceeds {limit} bytes.",
            f"请求体超过 {limit} 字节。",
        )
        await response(scope, receive, send)


class _TooLarge(Exception):
    pass
