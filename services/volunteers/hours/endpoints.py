"""HTTP routes for the hours ledger: /v1/volunteers/{id}/hours…"""

import uuid
from typing import Literal

from fastapi import APIRouter, Response
from fastapi.responses import HTMLResponse

from services.common.auth import CurrentPrincipal
from services.common.batch import BatchIds, parse_batch_ids
from services.common.database import DbSession
from services.common.idempotency import IdempotencyKey, run_idempotent
from services.common.pagination import DEFAULT_PAGE_SIZE, Cursor, Page, PageSize
from services.common.personal_data import Vault
from services.volunteers.hours import correction_requests
from services.volunteers.hours import service as hours_service
from services.volunteers.hours.schemas import (
    CorrectionDecision,
    CorrectionRequestCreate,
    CorrectionRequestOut,
    HoursCorrection,
    HoursEntryOut,
    HoursSummary,
    ServiceRecord,
)
from services.volunteers.models import IdempotencyRecord

router = APIRouter(prefix="/v1/volunteers/{volunteer_id}", tags=["hours"])
requests_router = APIRouter(prefix="/v1/hours/correction-requests", tags=["hours"])
entries_router = APIRouter(prefix="/v1/hours/entries", tags=["hours"])


@entries_router.get(":batch")
async def batch_get_hours_entries(
    ids: BatchIds, principal: CurrentPrincipal, session: DbSession
) -> dict[str, list[HoursEntryOut]]:
    """The readable ledger entries among `ids` (≤ 100), in the order asked."""
    return {"items": await hours_service.batch_entries(session, principal, parse_batch_ids(ids))}


@requests_router.get(":batch")
async def batch_get_correction_requests(
    ids: BatchIds, principal: CurrentPrincipal, session: DbSession
) -> dict[str, list[CorrectionRequestOut]]:
    """The readable correction requests among `ids` (≤ 100), in the order asked."""
    return {"items": await correction_requests.batch(session, principal, parse_batch_ids(ids))}


@router.get("/hours")
async def get_hours_summary(volunteer_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession) -> HoursSummary:
    """Total recorded service time and the star level it earns."""
    return await hours_service.summary(session, principal, volunteer_id)


@router.get("/hours/entries")
async def list_hours_entries(
    volunteer_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: DbSession,
    limit: PageSize = DEFAULT_PAGE_SIZE,
    cursor: Cursor = None,
) -> Page[HoursEntryOut]:
    """The ledger of recorded hours, newest first."""
    return await hours_service.ledger(session, principal, volunteer_id, cursor, limit)


@router.post("/hours/corrections", status_code=201, response_model=HoursEntryOut)
async def correct_hours(
    volunteer_id: uuid.UUID,
    body: HoursCorrection,
    principal: CurrentPrincipal,
    session: DbSession,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Add a manual correction (with its reason) to the ledger; managing staff only."""
    return await run_idempotent(
        session,
        IdempotencyRecord,
        principal,
        idempotency_key,
        f"correct_hours:{volunteer_id}",
        body,
        lambda: hours_service.correct(session, principal, volunteer_id, body),
    )


@router.post("/hours/correction-requests", status_code=201, response_model=CorrectionRequestOut)
async def request_correction(
    volunteer_id: uuid.UUID,
    body: CorrectionRequestCreate,
    principal: CurrentPrincipal,
    session: DbSession,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """The volunteer asks for a correction of their hours (minutes and reason; the activity it is
    about, whose organiser decides). Nothing enters the ledger until it is approved."""
    return await run_idempotent(
        session,
        IdempotencyRecord,
        principal,
        idempotency_key,
        f"request_correction:{volunteer_id}",
        body,
        lambda: correction_requests.request(session, principal, volunteer_id, body),
    )


@router.get("/hours/correction-requests")
async def list_correction_requests(
    volunteer_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: DbSession,
    state: Literal["requested", "approved", "refused"] | None = None,
    limit: PageSize = DEFAULT_PAGE_SIZE,
    cursor: Cursor = None,
) -> Page[CorrectionRequestOut]:
    """The volunteer's correction requests and their decisions, newest first."""
    return await correction_requests.search(session, principal, volunteer_id, state, cursor, limit)


@requests_router.post("/{request_id}/approve")
async def approve_correction(
    request_id: uuid.UUID, body: CorrectionDecision, principal: CurrentPrincipal, session: DbSession
) -> CorrectionRequestOut:
    """The organiser approves: the minutes enter the ledger as one correction entry."""
    return await correction_requests.decide(session, principal, request_id, True, body)


@requests_router.post("/{request_id}/refuse")
async def refuse_correction(
    request_id: uuid.UUID, body: CorrectionDecision, principal: CurrentPrincipal, session: DbSession
) -> CorrectionRequestOut:
    """The organiser refuses, saying why (`note`); the request stays on record."""
    return await correction_requests.decide(session, principal, request_id, False, body)


@router.get("/record")
async def get_service_record(
    volunteer_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, vault: Vault
) -> ServiceRecord:
    """A certificate-style export of the volunteer's record (JSON)."""
    return await hours_service.service_record(session, principal, vault, volunteer_id)


@router.get("/certificate", response_class=HTMLResponse)
async def get_certificate(
    volunteer_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, vault: Vault
) -> HTMLResponse:
    """The same record as a printable HTML page (志愿服务记录证明)."""
    record = await hours_service.service_record(session, principal, vault, volunteer_id)
    return HTMLResponse(hours_service.render_certificate(record))
