"""HTTP routes for care assignments and visit logs: /v1/assignments, /v1/visits."""

import uuid
from typing import Literal

from fastapi import APIRouter, Response

from services.common.auth import CurrentPrincipal
from services.common.batch import BatchIds, parse_batch_ids
from services.common.concurrency import set_etag
from services.common.database import DbSession
from services.common.idempotency import IdempotencyKey, run_idempotent
from services.common.pagination import DEFAULT_PAGE_SIZE, Cursor, Page, PageSize
from services.common.personal_data import Vault
from services.common.settings import AppSettings
from services.volunteers.assignments import service as assignment_service
from services.volunteers.assignments.schemas import (
    AssignmentCreate,
    AssignmentOut,
    VisitCreate,
    VisitOut,
)
from services.volunteers.models import IdempotencyRecord

router = APIRouter(tags=["care assignments"])


@router.get("/v1/assignments")
async def list_assignments(
    principal: CurrentPrincipal,
    session: DbSession,
    vault: Vault,
    volunteer_id: uuid.UUID | None = None,
    state: Literal["active", "ended"] | None = None,
    limit: PageSize = DEFAULT_PAGE_SIZE,
    cursor: Cursor = None,
) -> Page[AssignmentOut]:
    """Care assignments you may read (a volunteer: their own), newest first."""
    return await assignment_service.search(session, principal, vault, volunteer_id, state, cursor, limit)


@router.get("/v1/assignments:batch")
async def batch_get_assignments(
    ids: BatchIds, principal: CurrentPrincipal, session: DbSession, vault: Vault
) -> dict[str, list[AssignmentOut]]:
    """The readable assignments among `ids` (≤ 100), in the order asked."""
    items = await assignment_service.batch(session, principal, vault, parse_batch_ids(ids))
    return {"items": items}


@router.post("/v1/assignments", status_code=201, response_model=AssignmentOut)
async def create_assignment(
    body: AssignmentCreate,
    principal: CurrentPrincipal,
    session: DbSession,
    vault: Vault,
    settings: AppSettings,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Assign a volunteer to a care need with a weekly schedule and the visit address (with the
    case service's need ticket for a need not of your own platform)."""
    return await run_idempotent(
        session,
        IdempotencyRecord,
        principal,
        idempotency_key,
        "create_assignment",
        body.model_dump(exclude={"need_ticket"}),
        lambda: assignment_service.create(session, principal, vault, body, settings),
    )


@router.get("/v1/assignments/{assignment_id}")
async def get_assignment(
    assignment_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: DbSession,
    vault: Vault,
    response: Response,
) -> AssignmentOut:
    """One assignment; the address is unmasked for the assigned volunteer while active."""
    assignment = await assignment_service.get(session, principal, vault, assignment_id)
    set_etag(response, assignment.version)
    return assignment


@router.post("/v1/assignments/{assignment_id}/end")
async def end_assignment(
    assignment_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, vault: Vault
) -> AssignmentOut:
    """End an active assignment."""
    return await assignment_service.end(session, principal, vault, assignment_id)


@router.post("/v1/assignments/{assignment_id}/visits", status_code=201, response_model=VisitOut)
async def log_visit(
    assignment_id: uuid.UUID,
    body: VisitCreate,
    principal: CurrentPrincipal,
    session: DbSession,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Log a visit (done or missed, notes, wellbeing flags) on a day the assignment covers, never in
    the future; a done visit's minutes await the organiser's approval, a missed one adds none."""
    return await run_idempotent(
        session,
        IdempotencyRecord,
        principal,
        idempotency_key,
        f"log_visit:{assignment_id}",
        body,
        lambda: assignment_service.log_visit(session, principal, assignment_id, body),
    )


@router.post("/v1/visits/{visit_id}/approve-hours")
async def approve_visit_hours(visit_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession) -> VisitOut:
    """The organiser approves a done visit's minutes into the volunteer's hours ledger."""
    return await assignment_service.approve_visit_hours(session, principal, visit_id)


@router.get("/v1/assignments/{assignment_id}/visits")
async def list_assignment_visits(
    assignment_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: DbSession,
    limit: PageSize = DEFAULT_PAGE_SIZE,
    cursor: Cursor = None,
) -> Page[VisitOut]:
    """Visit logs of one assignment, newest first."""
    return await assignment_service.visits(session, principal, assignment_id, False, cursor, limit)


@router.get("/v1/visits:batch")
async def batch_get_visits(ids: BatchIds, principal: CurrentPrincipal, session: DbSession) -> dict[str, list[VisitOut]]:
    """The readable visit logs among `ids` (≤ 100), in the order asked."""
    return {"items": await assignment_service.batch_visits(session, principal, parse_batch_ids(ids))}


@router.get("/v1/visits")
async def list_visits(
    principal: CurrentPrincipal,
    session: DbSession,
    flagged: bool = False,
    limit: PageSize = DEFAULT_PAGE_SIZE,
    cursor: Cursor = None,
) -> Page[VisitOut]:
    """Visit logs you may read; `flagged=true` lists what a station must see: visits with wellbeing
    flags and missed visits."""
    return await assignment_service.visits(session, principal, None, flagged, cursor, limit)
