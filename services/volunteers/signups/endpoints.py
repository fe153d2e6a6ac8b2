"""HTTP routes for sign-ups: /v1/activities/{id}/signups and /v1/signups/{id}/…"""

import uuid
from typing import Literal

from fastapi import APIRouter, Response

from services.common.auth import CurrentPrincipal
from services.common.batch import BatchIds, parse_batch_ids
from services.common.database import DbSession
from services.common.idempotency import IdempotencyKey, run_idempotent
from services.common.pagination import DEFAULT_PAGE_SIZE, Cursor, Page, PageSize
from services.volunteers.models import IdempotencyRecord
from services.volunteers.signups import service as signup_service
from services.volunteers.signups.schemas import AttendanceTime, SignUpOut, SignUpRequest

router = APIRouter(tags=["signups"])


@router.post("/v1/activities/{activity_id}/signups", status_code=201, response_model=SignUpOut)
async def sign_up(
    activity_id: uuid.UUID,
    body: SignUpRequest,
    principal: CurrentPrincipal,
    session: DbSession,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Sign up (yourself, or as organiser a volunteer you manage): `confirmed` while places
    last, then `waiting` in arrival order. Overlapping commitments are refused (409)."""
    return await run_idempotent(
        session,
        IdempotencyRecord,
        principal,
        idempotency_key,
        f"sign_up:{activity_id}",
        body,
        lambda: signup_service.sign_up(session, principal, activity_id, body),
    )


@router.get("/v1/activities/{activity_id}/signups")
async def list_activity_signups(
    activity_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: DbSession,
    status: Literal["confirmed", "waiting", "cancelled"] | None = None,
    limit: PageSize = DEFAULT_PAGE_SIZE,
    cursor: Cursor = None,
) -> Page[SignUpOut]:
    """Sign-ups of an activity you organise (or your own), newest first; `status=waiting` is its
    waiting list."""
    return await signup_service.search(session, principal, activity_id, None, cursor, limit, status)


@router.get("/v1/signups:batch")
async def batch_get_signups(
    ids: BatchIds, principal: CurrentPrincipal, session: DbSession
) -> dict[str, list[SignUpOut]]:
    """The readable sign-ups among `ids` (≤ 100), in the order asked."""
    return {"items": await signup_service.batch(session, principal, parse_batch_ids(ids))}


@router.get("/v1/signups")
async def list_signups(
    principal: CurrentPrincipal,
    session: DbSession,
    volunteer_id: uuid.UUID | None = None,
    limit: PageSize = DEFAULT_PAGE_SIZE,
    cursor: Cursor = None,
) -> Page[SignUpOut]:
    """Sign-ups you may read, optionally of one volunteer, newest first."""
    return await signup_service.search(session, principal, None, volunteer_id, cursor, limit)


@router.get("/v1/signups/{signup_id}")
async def get_signup(
    signup_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, response: Response
) -> SignUpOut:
    """One sign-up; 404 when absent or outside your scope."""
    signup = await signup_service.get(session, principal, signup_id)
    response.headers["ETag"] = f'"{signup.version}"'
    return signup


@router.post("/v1/signups/{signup_id}/cancel")
async def cancel_signup(signup_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession) -> SignUpOut:
    """Withdraw; a freed place goes to the first on the waiting list."""
    return await signup_service.cancel(session, principal, signup_id)


@router.post("/v1/signups/{signup_id}/check-in")
async def check_in(
    signup_id: uuid.UUID, body: AttendanceTime, principal: CurrentPrincipal, session: DbSession
) -> SignUpOut:
    """Check in (from an hour before the start until the end)."""
    return await signup_service.check_in(session, principal, signup_id, body.at)


@router.post("/v1/signups/{signup_id}/check-out")
async def check_out(
    signup_id: uuid.UUID, body: AttendanceTime, principal: CurrentPrincipal, session: DbSession
) -> SignUpOut:
    """Check out; service minutes are computed, capped at the activity's length."""
    return await signup_service.check_out(session, principal, signup_id, body.at)


@router.post("/v1/signups/{signup_id}/approve-hours")
async def approve_hours(signup_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession) -> SignUpOut:
    """The organiser approves the computed minutes into the volunteer's hours ledger."""
    return await signup_service.approve_hours(session, principal, signup_id)
