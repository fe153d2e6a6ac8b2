"""HTTP routes for activities: /v1/activities."""

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from services.common.auth import CurrentPrincipal
from services.common.batch import BatchIds, parse_batch_ids
from services.common.concurrency import IfMatch, set_etag
from services.common.database import DbSession
from services.common.fields import Instant
from services.common.idempotency import IdempotencyKey, run_idempotent
from services.common.pagination import DEFAULT_PAGE_SIZE, Cursor, Page, PageSize
from services.common.regions import RegionPrefix
from services.common.settings import AppSettings
from services.common.vocabulary import Skill
from services.volunteers.activities import service as activity_service
from services.volunteers.activities.schemas import (
    ActivityCompletion,
    ActivityCreate,
    ActivityFilters,
    ActivityOut,
    ActivityUpdate,
)
from services.volunteers.models import IdempotencyRecord

router = APIRouter(prefix="/v1/activities", tags=["activities"])


@router.get("")
async def list_activities(
    principal: CurrentPrincipal,
    session: DbSession,
    region: Annotated[RegionPrefix | None, Query(description="GB/T 2260 prefix")] = None,
    skill: Skill | None = None,
    state: Literal["scheduled", "completed", "cancelled"] | None = None,
    starts_from: Instant | None = None,
    starts_before: Instant | None = None,
    public_only: bool = False,
    limit: PageSize = DEFAULT_PAGE_SIZE,
    cursor: Cursor = None,
) -> Page[ActivityOut]:
    """Activities you may read (public ones for everybody), newest first."""
    filters = ActivityFilters(
        region=region,
        skill=skill,
        state=state,
        starts_from=starts_from,
        starts_before=starts_before,
        public_only=public_only,
    )
    return await activity_service.search(session, principal, filters, cursor, limit)


@router.get(":batch")
async def batch_get_activities(
    ids: BatchIds, principal: CurrentPrincipal, session: DbSession
) -> dict[str, list[ActivityOut]]:
    """The readable activities among `ids` (≤ 100), in the order asked."""
    return {"items": await activity_service.batch(session, principal, parse_batch_ids(ids))}


@router.post("", status_code=201, response_model=ActivityOut)
async def create_activity(
    body: ActivityCreate,
    principal: CurrentPrincipal,
    session: DbSession,
    settings: AppSettings,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Organise an activity for your platform, one of its teams, or your organisation."""
    return await run_idempotent(
        session,
        IdempotencyRecord,
        principal,
        idempotency_key,
        "create_activity",
        body.model_dump(exclude={"platform_ticket"}),
        lambda: activity_service.create(session, principal, body, settings),
    )


@router.get("/{activity_id}")
async def get_activity(
    activity_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, response: Response
) -> ActivityOut:
    """One activity; 404 when absent or outside your scope."""
    activity = await activity_service.get(session, principal, activity_id)
    set_etag(response, activity.version)
    return activity


@router.patch("/{activity_id}")
async def update_activity(
    activity_id: uuid.UUID,
    body: ActivityUpdate,
    principal: CurrentPrincipal,
    session: DbSession,
    response: Response,
    if_match: IfMatch = None,
) -> ActivityOut:
    """Change title, place, capacity, skills or visibility; needs If-Match."""
    activity = await activity_service.update(session, principal, activity_id, if_match, body)
    set_etag(response, activity.version)
    return activity


@router.post("/{activity_id}/cancel")
async def cancel_activity(
    activity_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, response: Response
) -> ActivityOut:
    """Cancel a scheduled activity."""
    activity = await activity_service.cancel(session, principal, activity_id)
    set_etag(response, activity.version)
    return activity


@router.post("/{activity_id}/complete")
async def complete_activity(
    activity_id: uuid.UUID,
    body: ActivityCompletion,
    principal: CurrentPrincipal,
    session: DbSession,
    response: Response,
) -> ActivityOut:
    """Mark the activity held, with its beneficiaries and other participants."""
    activity = await activity_service.complete(session, principal, activity_id, body)
    set_etag(response, activity.version)
    return activity
