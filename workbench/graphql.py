"""The gateway's GraphQL, called with the signed-in user's bearer token (the workbench reads nothing else)."""

from typing import Any

import httpx

# Top-level error codes that mean the token is no longer good: the user signs in again.
SIGNED_OUT_CODES = frozenset({"UNAUTHENTICATED", "TOKEN_EXPIRED", "INVALID_TOKEN"})


class GatewayError(Exception):
    """The gateway answered top-level errors (or did not answer): shown on the page, never as a 500."""

    def __init__(self, messages: list[str], codes: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages, self.codes = messages, codes

    @property
    def signed_out(self) -> bool:
        return bool(SIGNED_OUT_CODES.intersection(self.codes))

    @property
    def forbidden(self) -> bool:
        return "FORBIDDEN" in self.codes


class Gateway:
    """One pooled HTTP client for the process; one `call` per GraphQL request of a page."""

    def __init__(self, base_url: str, timeout_s: float, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.http = httpx.AsyncClient(base_url=base_url, timeout=timeout_s, transport=transport)

    async def call(self, token: str | None, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The `data` of one request; `GatewayError` when the gateway answered errors instead."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        try:
            response = await self.http.post("/graphql", json={"query": query, "variables": variables or {}},
                                            headers=headers)  # fmt: skip
        except httpx.HTTPError as exc:
            raise GatewayError([f"网关无响应（{type(exc).__name__}）"], ["GATEWAY_UNREACHABLE"]) from exc
        if response.status_code == 401:
            raise GatewayError(["登录已过期"], ["UNAUTHENTICATED"])
        try:
            body: dict[str, Any] = response.json()
        except ValueError as exc:
            raise GatewayError([f"网关返回 {response.status_code}"], ["GATEWAY_ERROR"]) from exc
        errors = body.get("errors") or []
        if errors:
            # Chinese first (extensions.messageZh), each message once however many fields it failed.
            messages = [str((e.get("extensions") or {}).get("messageZh") or e.get("message", "")) for e in errors]
            codes = [str((e.get("extensions") or {}).get("code", "")) for e in errors]
            raise GatewayError(list(dict.fromkeys(messages)), codes)
        data: dict[str, Any] = body.get("data") or {}
        return data

    async def upload_need_photo(
        self, token: str, need_id: str, filename: str, content: bytes, content_type: str
    ) -> str:
        """POST /photos/needs/<need global id>; the URL to give recordFulfilment (proofPhotoUrl)."""
        try:
            response = await self.http.post(
                f"/photos/needs/{need_id}",
                files={"file": (filename, content, content_type)},
                headers={"Authorization": f"Bearer {token}"},
            )
        except httpx.HTTPError as exc:
            raise GatewayError([f"网关无响应（{type(exc).__name__}）"], ["GATEWAY_UNREACHABLE"]) from exc
        if response.status_code >= 400:
            detail = _problem_text(response)
            raise GatewayError([f"照片未能上传：{detail}"], ["PHOTO_REFUSED"])
        body = response.json()
        return str(body.get("url") or body.get("proofPhotoUrl") or body.get("proof_photo_url") or "")

    async def fetch_photo(self, token: str, path: str) -> httpx.Response:
        return await self.http.get(path, headers={"Authorization": f"Bearer {token}"})

    async def close(self) -> None:
        await self.http.aclose()


def _problem_text(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return str(response.status_code)
    return str(body.get("detail_zh") or body.get("title_zh") or body.get("detail") or body.get("title") or body)


def field_errors(result: dict[str, Any]) -> dict[str, str]:
    """An InvalidInput's errors by field (snake_case, dotted), in Chinese; {} for any other result."""
    if result.get("__typename") != "InvalidInput":
        return {}
    errors = {str(e["field"]): str(e.get("messageZh") or e.get("message")) for e in result.get("errors") or []}
    if not errors:
        errors = {field: str(result.get("messageZh") or result.get("message")) for field in result.get("fields") or []}
    return errors


INVALID_INPUT = "... on InvalidInput { message messageZh fields errors { field message messageZh } }"


def refusals(*type_names: str) -> str:
    """Selections for a mutation's refusal members: each has message and messageZh."""
    return " ".join(f"... on {name} {{ message messageZh }}" for name in type_names) + " " + INVALID_INPUT


def refusal_text(result: dict[str, Any]) -> str:
    """A refused result as one Chinese sentence for a notice ("" for a success without a message);
    an InvalidInput says what each field needs (its generic sentence only points at `errors`)."""
    reasons = field_errors(result)
    if reasons:
        return "请更正：" + "；".join(dict.fromkeys(reasons.values()))
    return str(result.get("messageZh") or result.get("message") or "")
