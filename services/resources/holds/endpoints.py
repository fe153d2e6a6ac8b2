"""HTTP routes of holds."""

import uuid

from fastapi import APIRouter, Response

from services.common.auth import CurrentPrincipal
from services.common.batch import BatchIds, parse_batch_ids
from services.common.concurrency import set_etag
from services.common.database import DbSession
from services.common.idempotency import IdempotencyKey, run_idempotent
from services.common.pagination import Cursor, Page, PageSize
from services.common.settings import AppSettings
from services.resources.holds import repository as hold_repository
from services.resources.holds import service as hold_service
from services.resources.holds.schemas import Hold, HoldCreate, HoldStateCode
from services.resources.models import IdempotencyRecord

router = APIRouter(prefix="/v1/holds", tags=["holds"])


@router.post("", status_code=201, response_model=Hold)
async def create_hold(
    body: HoldCreate,
    principal: CurrentPrincipal,
    session: DbSession,
    settings: AppSettings,
    key: IdempotencyKey = None,
) -> Response:
    """Hold part of an offer for a need, atomically: never more than is available.

    409 `OVER_ALLOCATED` when not enough is left; retry safely with the same Idempotency-Key.
    """

    async def create() -> Hold:
        return await hold_service.create(session, principal, body, settings)

    # A retry carries a fresh ticket for the same need: the ticket is not part of the request's identity.
    request = body.model_dump(exclude={"need_ticket"})
    return await run_idempotent(session, IdempotencyRecord, principal, key, "create_hold", request, create)


@router.get("")
async def list_holds(
    principal: CurrentPrincipal,
    session: DbSession,
    need_id: uuid.UUID | None = None,
    offer_id: uuid.UUID | None = None,
    state: HoldStateCode | None = None,
    limit: PageSize = 20,
    cursor: Cursor = None,
) -> Page[Hold]:
    """Holds you may see, newest first, by need, offer or state."""
    filters = {"need_id": need_id, "offer_id": offer_id, "state": state}
    rows, next_cursor = await hold_repository.search(session, principal, cursor=cursor, limit=limit, **filters)
    items = [await hold_service.present(session, principal, row) for row in rows]
    return Page(items=items, next_cursor=next_cursor)


@router.get(":batch")
async def batch_holds(principal: CurrentPrincipal, session: DbSession, ids: BatchIds) -> Page[Hold]:
    """The readable holds among `ids` (others are left out)."""
    rows = await hold_repository.get_many(session, principal, parse_batch_ids(ids))
    return Page(items=[await hold_service.present(session, principal, row) for row in rows])


@router.get("/{hold_id}")
async def get_hold(hold_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, response: Response) -> Hold:
    """One hold; 404 when absent or outside your scope."""
    hold = await hold_service.get(session, principal, hold_id)
    set_etag(response, hold.version)
    return hold


@router.post("/{hold_id}/commit")
async def commit_hold(hold_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession) -> Hold:
    """held → committed (before it expires)."""
    return await hold_service.change_state(session, principal, hold_id, "committed")


@router.post("/{hold_id}/deliver")
async def deliver_hold(hold_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession) -> Hold:
    """committed → delivered; for a fund this books the disbursement in its ledger."""
    return await hold_service.change_state(session, principal, hold_id, "delivered")


@router.post("/{hold_id}/release")
async def release_hold(hold_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession) -> Hold:
    """held/committed → released; the quantity becomes available again."""
    return await hold_service.change_state(session, principal, hold_id, "released")
