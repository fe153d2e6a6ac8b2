"""HTTP routes for needs (需求) and the public wish feed (公开心愿)."""

import asyncio
import uuid
from collections.abc import AsyncGenerator, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel
from sqlalchemy import Row
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from services.case.models import IdempotencyRecord
from services.case.needs import photos, repository, service
from services.case.needs.photo_encoding import NotAnImage, reencode
from services.case.needs.schemas import (
    Need,
    NeedCancel,
    NeedClaim,
    NeedConfirm,
    NeedFulfilment,
    NeedHold,
    NeedPublish,
    NeedReference,
    NeedUpdate,
    ProofPhotoStored,
    PublicWish,
    Ticket,
)
from services.case.needs.views import feed_descriptions, public_wish
from services.case.scoping import count_readable, page_of
from services.case.totals import Before, CountedPage, WithTotal
from services.common.auth import CurrentPrincipal, Principal, bearer_token, current_principal
from services.common.batch import BatchIds, parse_batch_ids
from services.common.concurrency import IfMatch, set_etag
from services.common.database import DbSession
from services.common.errors import DomainError, NotFound
from services.common.idempotency import IdempotencyKey, run_idempotent
from services.common.pagination import Cursor, Page, PageSize
from services.common.regions import RegionPrefix
from services.common.settings import AppSettings, Settings
from services.common.tickets import TICKET_TTL_S
from services.common.vocabulary import ItemCategory, NeedKind, NeedState

router = APIRouter(prefix="/v1", tags=["needs"])
public_router = APIRouter(prefix="/v1", tags=["public wishes"])


def _shown(need_row: object, response: Response) -> Need:
    need = Need.model_validate(need_row)
    set_etag(response, need.version)
    return need


@router.get("/needs", response_model=CountedPage[Need])
async def list_needs(
    principal: CurrentPrincipal,
    session: DbSession,
    kind: NeedKind | None = None,
    state: NeedState | None = None,
    platform_id: uuid.UUID | None = None,
    project_id: uuid.UUID | None = None,
    case_id: uuid.UUID | None = None,
    recipient_id: uuid.UUID | None = None,
    item_category: ItemCategory | None = None,
    region: Annotated[RegionPrefix | None, Query(description="Region-code prefix")] = None,
    cursor: Cursor = None,
    limit: PageSize = 20,
    with_total: WithTotal = False,
    before: Before = None,
) -> CountedPage[Need]:
    """Needs in the caller's scope (staff), newest first."""
    asked = {
        "kind": kind,
        "state": state,
        "platform_id": platform_id,
        "project_id": project_id,
        "case_id": case_id,
        "recipient_id": recipient_id,
        "item_category": item_category,
        "region": region,
    }
    rows, next_cursor, previous_cursor = await page_of(
        repository.needs, session, principal, cursor, before, limit, asked
    )
    total = await count_readable(repository.needs, session, principal, **asked) if with_total else None
    return CountedPage(
        items=[Need.model_validate(r) for r in rows],
        next_cursor=next_cursor,
        total=total,
        previous_cursor=previous_cursor,
    )


@router.get("/needs:batch", response_model=Page[Need])
async def batch_needs(principal: CurrentPrincipal, session: DbSession, ids: BatchIds) -> Page[Need]:
    """Several needs by id; unknown or unreadable ids are left out."""
    rows = await repository.get_many(session, principal, parse_batch_ids(ids))
    return Page(items=[Need.model_validate(r) for r in rows])


@router.get("/needs/{need_id}", response_model=Need)
async def get_need(need_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, response: Response) -> Need:
    """One need with its ETag (its version)."""
    return _shown(await service.get(session, principal, need_id), response)


@router.post("/needs", status_code=201, response_model=Need)
async def publish_need(
    data: NeedPublish, principal: CurrentPrincipal, session: DbSession, key: IdempotencyKey = None
) -> Response:
    """Publish a micro-wish, care need or funding need from an active case."""

    async def create() -> Need:
        return Need.model_validate(await service.publish(session, principal, data))

    return await run_idempotent(session, IdempotencyRecord, principal, key, "publish_need", data, create)


@router.patch("/needs/{need_id}", response_model=Need)
async def update_need(
    need_id: uuid.UUID,
    data: NeedUpdate,
    principal: CurrentPrincipal,
    session: DbSession,
    response: Response,
    if_match: IfMatch = None,
) -> Need:
    """Edit an open need; `If-Match` is required and a stale version is refused with 412."""
    return _shown(await service.update(session, principal, need_id, data, if_match), response)


@router.post("/needs/{need_id}/ticket", response_model=Ticket)
async def need_ticket(
    need_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, settings: AppSettings
) -> Ticket:
    """A sealed ticket naming the need's owner and region, for `POST /v1/holds` in the resources
    service (staff who may write the need; valid 10 minutes, for this caller only)."""
    token = await service.ticket_for(session, principal, need_id, settings)
    return Ticket(ticket=token, expires_in_s=TICKET_TTL_S)


@router.post("/needs/{need_id}/hold", response_model=Need)
async def hold_need(
    need_id: uuid.UUID,
    data: NeedHold,
    principal: CurrentPrincipal,
    session: DbSession,
    response: Response,
    if_match: IfMatch = None,
) -> Need:
    """Reserve an open need for a resource hold (pending until `until`); retrying is harmless."""
    return _shown(await service.hold(session, principal, need_id, data, if_match), response)


@router.post("/needs/{need_id}/release", response_model=Need)
async def release_need(
    need_id: uuid.UUID, data: NeedReference, principal: CurrentPrincipal, session: DbSession, response: Response
) -> Need:
    """Drop a reservation: the need is open again."""
    return _shown(await service.release(session, principal, need_id, data.reference), response)


@router.post("/needs/{need_id}/confirm", response_model=Need)
async def confirm_need(
    need_id: uuid.UUID, data: NeedConfirm, principal: CurrentPrincipal, session: DbSession, response: Response
) -> Need:
    """Confirm the reservation: the need is matched. A funding need takes `amount` as a part and opens
    again for the rest until the part that completes it; 409 `EXCEEDS_NEED` past what it lacks."""
    return _shown(await service.confirm(session, principal, need_id, data.reference, data.amount), response)


@router.post("/needs/{need_id}/fulfil", response_model=Need)
async def fulfil_need(
    need_id: uuid.UUID, data: NeedFulfilment, principal: CurrentPrincipal, session: DbSession, response: Response
) -> Need:
    """Record fulfilment with proof (note, photo) and the recipient's feedback."""
    return _shown(await service.fulfil(session, principal, need_id, data), response)


@router.post("/needs/{need_id}/close", response_model=Need)
async def close_need(need_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, response: Response) -> Need:
    """Close a fulfilled need."""
    return _shown(await service.close(session, principal, need_id), response)


@router.post("/needs/{need_id}/cancel", response_model=Need)
async def cancel_need(
    need_id: uuid.UUID, data: NeedCancel, principal: CurrentPrincipal, session: DbSession, response: Response
) -> Need:
    """Withdraw a need that is open, pending or matched."""
    return _shown(await service.cancel(session, principal, need_id, data.reason), response)


class PhotoTooLarge(DomainError):
    status, code, title = 413, "PAYLOAD_TOO_LARGE", "Payload too large"


PHOTO_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"contentMediaType": "application/octet-stream", "description": "JPEG, PNG or WebP"}
                    },
                }
            }
        },
    }
}
MULTIPART_OVERHEAD = 16 * 1024  # boundaries and part headers around the one file


async def _photo_upload(request: Request, settings: Settings) -> bytes:
    """The `file` part of a multipart body, read at most up to the configured size (413 past it)."""
    limit = settings.proof_photo_max_bytes
    mb = f"{limit / 1024 / 1024:g}"
    too_large = PhotoTooLarge(f"At most {mb} MB per photo.", f"照片不能超过 {mb} MB。")
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit + MULTIPART_OVERHEAD:
        raise too_large

    async def capped() -> AsyncGenerator[bytes, None]:
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit + MULTIPART_OVERHEAD:
                raise too_large
            yield chunk

    not_multipart = NotAnImage(
        "Send the photo as multipart/form-data, field `file`.", "请以 multipart/form-data 的 file 字段上传照片。"
    )
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise not_multipart
    try:
        form = await MultiPartParser(request.headers, capped(), max_files=1, max_fields=0).parse()
    except MultiPartException as exc:
        raise not_multipart from exc
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise not_multipart
    content = await upload.read()
    await form.close()
    if len(content) > limit:
        raise too_large
    return content


@router.post("/needs/{need_id}/proof-photo", status_code=201, response_model=ProofPhotoStored, openapi_extra=PHOTO_BODY)
async def upload_proof_photo(
    need_id: uuid.UUID, request: Request, principal: CurrentPrincipal, session: DbSession, settings: AppSettings
) -> ProofPhotoStored:
    """The need's proof photo (JPEG, PNG or WebP up to `WUSHE_PROOF_PHOTO_MAX_BYTES`), staff in scope,
    once matched. Re-encoded from its pixels (EXIF, GPS and all other metadata dropped), upright,
    at most `WUSHE_PROOF_PHOTO_MAX_EDGE` on its longer side; replaces an earlier photo."""
    need = await photos.authorize_upload(session, principal, need_id)
    content = await _photo_upload(request, settings)
    encoded = await asyncio.to_thread(
        reencode, content, max_pixels=settings.proof_photo_max_pixels, max_edge=settings.proof_photo_max_edge
    )
    stored = await photos.store(session, principal, need, encoded)
    return ProofPhotoStored(
        need_id=need.id,
        url=photos.photo_path(need.id),
        content_type=stored.content_type,
        size=stored.size,
        width=stored.width,
        height=stored.height,
        sha256=stored.sha256,
    )


async def _caller_if_any(request: Request) -> Principal | None:
    if bearer_token(request) is None:
        return None
    return await current_principal(request)


@router.get(
    "/needs/{need_id}/proof-photo",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}, "image/png": {}, "image/webp": {}}}},
)
async def get_proof_photo(need_id: uuid.UUID, request: Request, session: DbSession) -> Response:
    """The need's proof photo: for anyone once the public wish is fulfilled (no token needed), and
    for staff in scope before that; otherwise 404."""
    photo, public = await photos.readable(session, await _caller_if_any(request), need_id)
    return Response(
        photo.data,
        media_type=photo.content_type,
        headers={
            "ETag": f'"{photo.sha256}"',
            "Cache-Control": "public, max-age=300" if public else "private, no-store",
            "X-Content-Type-Options": "nosniff",
            "Content-Disposition": "inline",
        },
    )


async def _as_public(session: DbSession, rows: Sequence[Row[Any]]) -> list[PublicWish]:
    """Public wishes with the feed's k-anonymous descriptions of people, for the snapshot this request reads."""
    version = await repository.snapshot_digest(session)
    described = await feed_descriptions(session, version, [row[0].id for row in rows])
    return [public_wish(row, described) for row in rows]


@public_router.get("/public-wishes", response_model=Page[PublicWish])
async def list_public_wishes(
    session: DbSession,
    region: Annotated[RegionPrefix | None, Query(description="Region-code prefix")] = None,
    kind: NeedKind | None = None,
    item_category: ItemCategory | None = None,
    project_id: uuid.UUID | None = None,
    state: Annotated[
        NeedState, Query(description="open (default) or fulfilled, for the thank-you wall")
    ] = NeedState.OPEN,
    cursor: Cursor = None,
    limit: PageSize = 20,
) -> Page[PublicWish]:
    """The anonymised wish feed: masked name, age, categories, county and the wish. No token needed."""
    rows, next_cursor = await repository.public_wishes(
        session,
        cursor=cursor,
        limit=limit,
        region=region,
        kind=kind,
        item_category=item_category,
        state=state.value,
        project_id=project_id,
    )
    return Page(items=await _as_public(session, rows), next_cursor=next_cursor)


@public_router.post("/public-wishes/{wish_id}/ticket", response_model=Ticket)
async def public_wish_ticket(
    wish_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, settings: AppSettings
) -> Ticket:
    """A sealed ticket to pledge for an open wish (apps with `wishes:claim`, organisation staff):
    hand it to the resources service's `POST /v1/pledges`."""
    token = await service.public_ticket_for(session, principal, wish_id, settings)
    return Ticket(ticket=token, expires_in_s=TICKET_TTL_S)


@public_router.post("/public-wishes/{wish_id}/claim", response_model=PublicWish)
async def claim_wish(
    wish_id: uuid.UUID, data: NeedClaim, principal: CurrentPrincipal, session: DbSession, settings: AppSettings
) -> PublicWish:
    """A donor's claim (apps with `wishes:claim`, organisation staff), with the receipt of their pledge:
    the wish is reserved for the claim period and leaves the open feed; exactly one of many
    concurrent claims succeeds (409 for the rest)."""
    await service.claim(session, principal, wish_id, data.receipt, settings)
    rows = await repository.public_wishes_by_id(session, [wish_id])
    return (await _as_public(session, rows))[0]


@public_router.post("/public-wishes/{wish_id}/release", response_model=PublicWish)
async def release_wish_claim(
    wish_id: uuid.UUID, data: NeedReference, principal: CurrentPrincipal, session: DbSession
) -> PublicWish:
    """Withdraw a claim: the wish is open again."""
    await service.release_claim(session, principal, wish_id, data.reference)
    rows = await repository.public_wishes_by_id(session, [wish_id])
    return (await _as_public(session, rows))[0]


class FeedVersion(BaseModel):
    version: str


@public_router.get("/public-wishes:version", response_model=FeedVersion)
async def public_feed_version(session: DbSession) -> FeedVersion:
    """Changes whenever any transaction commits: equal versions mean the feed cannot have changed.

    Caches (the gateway's) key the feed on it: the version is a digest of the database's MVCC
    snapshot, which stays the same while nothing commits and never repeats once something has.
    """
    return FeedVersion(version=await repository.snapshot_digest(session))


@public_router.get("/public-wishes:batch", response_model=Page[PublicWish])
async def batch_public_wishes(session: DbSession, ids: BatchIds) -> Page[PublicWish]:
    """Several public wishes by id."""
    rows = await repository.public_wishes_by_id(session, parse_batch_ids(ids))
    return Page(items=await _as_public(session, rows))


@public_router.get("/public-wishes/{wish_id}", response_model=PublicWish)
async def get_public_wish(wish_id: uuid.UUID, session: DbSession) -> PublicWish:
    """One public wish, including its state and, once fulfilled, the recipient's thanks."""
    rows = await repository.public_wishes_by_id(session, [wish_id])
    if not rows:
        raise NotFound("Wish not found.", "未找到该心愿。")
    return (await _as_public(session, rows))[0]
