"""HTTP routes of pledges."""

import uuid

from fastapi import APIRouter, Response

from services.common.auth import CurrentPrincipal
from services.common.batch import BatchIds, parse_batch_ids
from services.common.database import DbSession
from services.common.idempotency import IdempotencyKey, run_idempotent
from services.common.pagination import Cursor, Page, PageSize
from services.common.settings import AppSettings
from services.resources.models import IdempotencyRecord
from services.resources.pledges import repository as pledge_repository
from services.resources.pledges import service as pledge_service
from services.resources.pledges.schemas import Pledge, PledgeCreate

router = APIRouter(prefix="/v1/pledges", tags=["pledges"])


@router.post("", status_code=201, response_model=Pledge)
async def create_pledge(
    body: PledgeCreate,
    principal: CurrentPrincipal,
    session: DbSession,
    settings: AppSettings,
    key: IdempotencyKey = None,
) -> Response:
    """Claim a public wish for a donor: a donation offer plus a hold on it for the need.

    App clients need the `wishes:claim` scope and the case service's ticket for the wish
    (`POST /v1/public-wishes/{id}/ticket`). The answer's `receipt` is what the case service's
    claim asks for. Retry with the same Idempotency-Key safely (a fresh ticket is fine).
    """

    async def create() -> Pledge:
        return await pledge_service.create(session, principal, body, settings)

    request = body.model_dump(exclude={"need_ticket"})
    return await run_idempotent(session, IdempotencyRecord, principal, key, "create_pledge", request, create)


@router.get("")
async def list_pledges(
    principal: CurrentPrincipal,
    session: DbSession,
    settings: AppSettings,
    need_id: uuid.UUID | None = None,
    org_id: uuid.UUID | None = None,
    limit: PageSize = 20,
    cursor: Cursor = None,
) -> Page[Pledge]:
    """Pledges you may see (staff of the wish's platform subtree, organisations their own, apps theirs)."""
    filters = {"need_id": need_id, "org_id": org_id}
    rows, next_cursor = await pledge_repository.search(session, principal, cursor=cursor, limit=limit, **filters)
    items = await pledge_service.present(session, principal, rows, settings)
    return Page(items=items, next_cursor=next_cursor)


@router.get(":batch")
async def batch_pledges(
    principal: CurrentPrincipal, session: DbSession, settings: AppSettings, ids: BatchIds
) -> Page[Pledge]:
    """The readable pledges among `ids` (others are left out)."""
    rows = await pledge_repository.get_many(session, principal, parse_batch_ids(ids))
    return Page(items=await pledge_service.present(session, principal, rows, settings))


@router.get("/{pledge_id}")
async def get_pledge(
    pledge_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, settings: AppSettings
) -> Pledge:
    """One pledge; 404 when absent or outside your scope. The pledging caller gets a fresh `receipt`."""
    return await pledge_service.get(session, principal, pledge_id, settings)


@router.post(
    "/{pledge_id}/withdraw",
    responses={409: {"description": "PLEDGE_CONFIRMED: the station has confirmed it"}},
)
async def withdraw_pledge(
    pledge_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, settings: AppSettings
) -> Pledge:
    """The donor withdraws an unconfirmed claim: its hold is released and the promise voided.

    The wish opens again in the case service when its claim is released there (or, at the
    latest, when the case reconciler sees the released hold)."""
    return await pledge_service.withdraw(session, principal, pledge_id, settings)
