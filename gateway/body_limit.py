"""Refuse oversized request bodies before anything parses them (HTTP 413, problem+json)."""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.common.errors import problem_response


class BodySizeLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        received = 0

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, counted_receive, send)
        except _TooLarge:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem_response(
            413,
            "PAYLOAD_TOO_LARGE",
            "Payload too large",
            f"The request body exceeds {self.max_bytes} bytes.",
            f"请求体超过 {self.max_bytes} 字节。",
        )
        await response(scope, receive, send)


class _TooLarge(Exception):
    pass
