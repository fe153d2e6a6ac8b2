"""Proof photos through the gateway, the only service apps and staff reach.

`GET /photos/needs/{id}` (the global id of a Need or a PublicWish) streams the photo from the case
service under the caller's token (or none), so the case service's visibility applies: anyone once
the wish is fulfilled, staff in scope before, 404 otherwise. `POST /photos/needs/{id}` (a Need's
global id) takes the staff's multipart upload (`file`) and hands it on as it came; the case service
authorises, re-encodes without metadata and stores it. A plain REST route rather than a GraphQL
multipart upload: `/graphql` stays JSON-only behind its guard and its small body limit, and the
photo's body gets a cap of its own (`WUSHE_PROOF_PHOTO_MAX_BYTES` plus multipart framing,
`gateway/body_limit.py`). docs/decisions.md, "Data and privacy".
"""

import uuid
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.background import BackgroundTask

from gateway.clients.base import CallerHeaders, UpstreamError, UpstreamUnavailable
from gateway.clients.case import CaseClient
from gateway.clients.registry import Upstreams
from gateway.ids import from_global_id, to_global_id
from services.common.auth import Principal, TokenVerifier, bearer_token
from services.common.errors import PROBLEM_JSON, Forbidden, NotFound, Unauthenticated, problem_response
from services.common.vocabulary import Role

PHOTO_PREFIX = "/photos/needs/"
# Boundaries and part headers around the one file (the case service allows as much).
MULTIPART_OVERHEAD = 16 * 1024
# Staff who may write a need; the case service decides which needs.
UPLOADERS = frozenset({Role.CENTRE_STAFF, Role.STATION_STAFF, Role.COMMUNITY_WORKER})
# The path the case service serves a need's photo at, as its records name it.
CASE_PHOTO_PATH = "/v1/needs/{need_id}/proof-photo"

router = APIRouter(tags=["photos"])


def photo_url(global_id: str) -> str:
    """Where the gateway serves the proof photo of the node with this global id."""
    return PHOTO_PREFIX + global_id


def gateway_photo_url(type_name: str, need_id: str, case_url: str | None) -> str | None:
    """A record's `proof_photo_url` as the gateway's clients reach it: the case service's own photo
    path becomes the gateway's; anything else (a link stored before uploads existed) stays."""
    if case_url != CASE_PHOTO_PATH.format(need_id=need_id):
        return case_url
    return photo_url(to_global_id(type_name, need_id))


def _need_id(global_id: str, types: tuple[str, ...]) -> uuid.UUID:
    """The need a photo path names; a malformed id or one of another type is simply not found."""
    try:
        type_name, local = from_global_id(global_id)
    except Exception:
        raise _not_found() from None
    if type_name not in types:
        raise _not_found()
    return local


def _not_found() -> NotFound:
    return NotFound("Photo not found.", "未找到该照片。")


def case_client(request: Request) -> CaseClient:
    """The case service's client under the caller's token (the gateway's plain HTTP routes)."""
    state = request.app.state
    caller = CallerHeaders(authorization=request.headers.get("authorization"))
    return Upstreams.for_caller(state.http, state.settings, caller).case


def upstream_answer(exc: UpstreamError | UpstreamUnavailable) -> JSONResponse:
    """The case service's refusal passed on, or 503 when it did not answer."""
    if isinstance(exc, UpstreamError):
        return JSONResponse(exc.problem, status_code=exc.status, media_type=PROBLEM_JSON)
    return problem_response(
        503, "UPSTREAM_UNAVAILABLE", "Upstream unavailable", "The case service did not answer.", "个案服务暂不可用。"
    )


@router.get(
    PHOTO_PREFIX + "{node_id}",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}, "image/png": {}, "image/webp": {}}}},
)
async def get_proof_photo(node_id: str, request: Request) -> Response:
    """A need's proof photo (id of a Need or a PublicWish): for anyone once the wish is fulfilled,
    for staff in scope before that (send your token), otherwise 404."""
    need_id = _need_id(node_id, ("Need", "PublicWish"))
    try:
        photo = await case_client(request).proof_photo(need_id)
    except (UpstreamError, UpstreamUnavailable) as exc:
        return upstream_answer(exc)
    return StreamingResponse(
        photo.chunks(), media_type=photo.content_type, headers=photo.headers, background=BackgroundTask(photo.close)
    )


async def staff_caller(request: Request, roles: frozenset[Role], refusal: Forbidden) -> Principal:
    """Settled before a byte of the body is read: a verified token of one of `roles`."""
    token = bearer_token(request)
    if token is None:
        raise Unauthenticated("Send a bearer token.", "请提供访问令牌。")
    verifier: TokenVerifier = request.app.state.verifier
    principal = await verifier.verify(token)
    if principal.role not in roles:
        raise refusal
    return principal


@router.post(PHOTO_PREFIX + "{node_id}", status_code=201)
async def upload_proof_photo(node_id: str, request: Request) -> Any:
    """Upload a need's proof photo (a Need's global id; multipart/form-data, field `file`; JPEG, PNG
    or WebP up to `WUSHE_PROOF_PHOTO_MAX_BYTES`): staff of the need's platform, once it is matched.
    Re-encoded by the case service without EXIF or GPS; replaces an earlier photo."""
    need_id = _need_id(node_id, ("Need",))
    await staff_caller(
        request,
        UPLOADERS,
        Forbidden("Only platform staff upload proof photos.", "只有社工平台工作人员可以上传凭证照片。"),
    )
    body = await request.body()  # bounded by the photo's own body limit
    content_type = request.headers.get("content-type", "")
    try:
        stored = await case_client(request).upload_proof_photo(need_id, body, content_type)
    except (UpstreamError, UpstreamUnavailable) as exc:
        return upstream_answer(exc)
    return JSONResponse({**stored, "url": photo_url(to_global_id("Need", need_id))}, status_code=201)
