"""HTTP routes of fund ledgers and their public disclosure."""

import uuid

from fastapi import APIRouter, Response
from fastapi.responses import HTMLResponse

from services.common.auth import CurrentPrincipal
from services.common.batch import BatchIds, parse_batch_ids
from services.common.database import DbSession
from services.common.idempotency import IdempotencyKey, run_idempotent
from services.common.pagination import Cursor, Page, PageSize
from services.resources.funds import corrections, receipts
from services.resources.funds import service as fund_service
from services.resources.funds.schemas import FundDisclosure, LedgerEntry, LedgerEntryCreate, ReversalCreate
from services.resources.models import IdempotencyRecord

router = APIRouter(prefix="/v1/funds", tags=["funds"])
entries_router = APIRouter(prefix="/v1/ledger-entries", tags=["funds"])


@entries_router.get(":batch")
async def batch_ledger_entries(principal: CurrentPrincipal, session: DbSession, ids: BatchIds) -> Page[LedgerEntry]:
    """The readable ledger entries among `ids`, of any fund (others are left out)."""
    return Page(items=await fund_service.entries_by_id(session, principal, parse_batch_ids(ids)))


@router.post("/{fund_id}/entries", status_code=201, response_model=LedgerEntry)
async def record_ledger_entry(
    fund_id: uuid.UUID,
    body: LedgerEntryCreate,
    principal: CurrentPrincipal,
    session: DbSession,
    key: IdempotencyKey = None,
) -> Response:
    """Book a donation in, a disbursement out against a need, or an adjustment.

    A disbursement beyond what is available answers 409 `OVER_ALLOCATED`; one outside the
    fund's purposes, regions or cap per need answers 409 `OUTSIDE_FUND_RESTRICTIONS`.
    """

    async def record() -> LedgerEntry:
        return await fund_service.record_entry(session, principal, fund_id, body)

    payload = {"fund_id": fund_id, "entry": body}
    return await run_idempotent(session, IdempotencyRecord, principal, key, "record_ledger_entry", payload, record)


@router.get("/{fund_id}/entries")
async def list_ledger_entries(
    fund_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: DbSession,
    limit: PageSize = 20,
    cursor: Cursor = None,
) -> Page[LedgerEntry]:
    """The fund's ledger, newest first (its own staff and civil affairs in region)."""
    items, next_cursor = await fund_service.list_entries(session, principal, fund_id, cursor, limit)
    return Page(items=items, next_cursor=next_cursor)


@router.get("/{fund_id}/disclosure")
async def disclose_fund(
    fund_id: uuid.UUID, session: DbSession, limit: PageSize = 20, cursor: Cursor = None
) -> FundDisclosure:
    """Public disclosure (慈善信息公开): income, spending and entries; no token needed.

    Individual donors appear masked (王**); no contact data is ever shown.
    """
    return await fund_service.disclose(session, fund_id, cursor, limit)


@router.post(
    "/{fund_id}/entries/{entry_id}/reverse",
    status_code=201,
    response_model=LedgerEntry,
    responses={409: {"description": "ALREADY_REVERSED (once only), NOT_REVERSIBLE, OVER_ALLOCATED"}},
)
async def reverse_ledger_entry(
    fund_id: uuid.UUID,
    entry_id: uuid.UUID,
    body: ReversalCreate,
    principal: CurrentPrincipal,
    session: DbSession,
    key: IdempotencyKey = None,
) -> Response:
    """Correct the books: book the opposite of one entry, naming it; an entry is reversed once."""

    async def record() -> LedgerEntry:
        return await corrections.reverse(session, principal, fund_id, entry_id, body)

    payload = {"fund_id": fund_id, "entry_id": entry_id, "reversal": body}
    return await run_idempotent(session, IdempotencyRecord, principal, key, "reverse_ledger_entry", payload, record)


@router.get("/{fund_id}/entries/{entry_id}/receipt", response_class=HTMLResponse)
async def donation_receipt(
    fund_id: uuid.UUID, entry_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession
) -> HTMLResponse:
    """A donation's printable receipt (收据): number, Beijing time, donor, amount in figures and 大写."""
    return HTMLResponse(await receipts.render(session, principal, fund_id, entry_id))
