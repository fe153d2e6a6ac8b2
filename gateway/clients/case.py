"""Typed client of the case service."""

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp

from gateway.clients.base import (
    NOT_SENT_ERRORS,
    RETRIED_STATUSES,
    CircuitOpen,
    ServiceClient,
    UpstreamUnavailable,
    _checked,
)

PHOTO_CHUNK_BYTES = 64 * 1024


@dataclass
class PhotoStream:
    """A proof photo on its way from the case service: its headers, then its bytes in chunks.
    `close()` gives the connection back (after the last chunk, or when the caller went away)."""

    content_type: str
    headers: dict[str, str]
    _response: aiohttp.ClientResponse

    async def chunks(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._response.content.iter_chunked(PHOTO_CHUNK_BYTES):
                yield chunk
        finally:
            self.close()

    def close(self) -> None:
        self._response.release()


# What the case service says about a photo that the caller should hear too.
PASSED_PHOTO_HEADERS = ("etag", "cache-control", "x-content-type-options", "content-disposition", "content-length")


class CaseClient(ServiceClient):
    async def proof_photo(self, need_id: uuid.UUID) -> PhotoStream:
        """`GET /v1/needs/{id}/proof-photo` under the caller's token, streamed; a 4xx is UpstreamError."""
        response = await self._raw("GET", f"/v1/needs/{need_id}/proof-photo", accept="image/*")
        if response.status != 200:
            raw = await response.read()
            response.release()
            _checked(self.service, response.status, raw, ())
            raise UpstreamUnavailable(self.service, f"HTTP {response.status}", status=response.status)
        headers = {name: response.headers[name] for name in PASSED_PHOTO_HEADERS if name in response.headers}
        return PhotoStream(response.headers.get("content-type", "application/octet-stream"), headers, response)

    async def upload_proof_photo(self, need_id: uuid.UUID, body: bytes, content_type: str) -> dict[str, Any]:
        """`POST /v1/needs/{id}/proof-photo` with the caller's multipart body as it came (sent once,
        never retried: the case service authorises, re-encodes and stores it)."""
        response = await self._raw(
            "POST", f"/v1/needs/{need_id}/proof-photo", data=body, content_type=content_type, accept="application/json"
        )
        raw = await response.read()
        response.release()
        stored: dict[str, Any] = _checked(self.service, response.status, raw, ())
        return stored

    async def _raw(
        self, method: str, path: str, *, accept: str, data: bytes | None = None, content_type: str | None = None
    ) -> aiohttp.ClientResponse:
        """One request through the breaker, the response not yet read (bytes, not JSON)."""
        breaker = self.breaker
        if breaker is not None and not breaker.try_acquire():
            raise CircuitOpen(self.service)
        self.calls += 1
        headers = {**self.caller.as_headers(), "accept": accept}
        if content_type is not None:
            headers["content-type"] = content_type
        # sock_read, not total: a photo's bytes may take longer than a JSON answer, but never stall.
        timeout = aiohttp.ClientTimeout(connect=self.retry.connect_timeout_s, sock_read=self.timeout_s)
        try:
            response = await self.session.request(
                method, self.base_url + path, data=data, headers=headers, timeout=timeout
            )
        except NOT_SENT_ERRORS as exc:
            if breaker is not None:
                breaker.failed()
            raise UpstreamUnavailable(self.service, type(exc).__name__, sent=False) from exc
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            if breaker is not None:
                breaker.failed()
            raise UpstreamUnavailable(self.service, type(exc).__name__) from exc
        except BaseException:
            if breaker is not None:
                breaker.abandoned()
            raise
        if breaker is not None and response.status in RETRIED_STATUSES:
            breaker.failed()
        elif breaker is not None:
            breaker.succeeded()
        return response
