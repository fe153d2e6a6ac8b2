"""HTTP routes for volunteers: /v1/volunteers."""

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from services.common.auth import CurrentPrincipal
from services.common.batch import BatchIds, parse_batch_ids
from services.common.concurrency import IfMatch, set_etag
from services.common.database import DbSession
from services.common.fields import ClockTime, Weekday, WindowEnd
from services.common.idempotency import AuditedReplay, IdempotencyKey, run_idempotent
from services.common.pagination import DEFAULT_PAGE_SIZE, Cursor, Page, PageSize
from services.common.personal_data import Vault
from services.common.regions import RegionPrefix
from services.common.settings import AppSettings
from services.common.vocabulary import Language, Skill
from services.volunteers.models import AuditEntry, IdempotencyRecord
from services.volunteers.volunteers import service as volunteer_service
from services.volunteers.volunteers.schemas import (
    VerificationDecision,
    VolunteerCreate,
    VolunteerFilters,
    VolunteerOut,
    VolunteerUpdate,
)

router = APIRouter(prefix="/v1/volunteers", tags=["volunteers"])


@router.get("")
async def search_volunteers(
    principal: CurrentPrincipal,
    session: DbSession,
    vault: Vault,
    skill: Skill | None = None,
    language: Language | None = None,
    region: Annotated[RegionPrefix | None, Query(description="GB/T 2260 prefix")] = None,
    weekday: Weekday | None = None,
    start: ClockTime | None = None,
    end: WindowEnd | None = None,
    verification: Literal["pending", "verified", "rejected"] | None = None,
    limit: PageSize = DEFAULT_PAGE_SIZE,
    cursor: Cursor = None,
) -> Page[VolunteerOut]:
    """Volunteers in your scope, newest first; filter by skill, language, region prefix and an
    availability window (`weekday` with `start`/`end`: someone free for the whole window)."""
    filters = VolunteerFilters(
        skill=skill,
        language=language,
        region=region,
        weekday=weekday,
        start=start,
        end=end,
        verification=verification,
    )
    return await volunteer_service.search(session, principal, vault, filters, cursor, limit)


@router.get(":batch")
async def batch_get_volunteers(
    ids: BatchIds, principal: CurrentPrincipal, session: DbSession, vault: Vault
) -> dict[str, list[VolunteerOut]]:
    """The readable volunteers among `ids` (≤ 100), in the order asked."""
    items = await volunteer_service.batch(session, principal, vault, parse_batch_ids(ids))
    return {"items": items}


@router.post("", status_code=201, response_model=VolunteerOut)
async def register_volunteer(
    body: VolunteerCreate,
    principal: CurrentPrincipal,
    session: DbSession,
    vault: Vault,
    settings: AppSettings,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Register a volunteer at a platform (staff of that platform or one above it, with the case
    service's platform ticket for any platform but their own)."""
    return await run_idempotent(
        session,
        IdempotencyRecord,
        principal,
        idempotency_key,
        "register_volunteer",
        body.model_dump(exclude={"platform_ticket"}),
        lambda: volunteer_service.register(session, principal, vault, body, settings),
        audit=AuditedReplay(AuditEntry, "volunteer", volunteer_service.PERSONAL_FIELDS),
    )


@router.get("/{volunteer_id}")
async def get_volunteer(
    volunteer_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: DbSession,
    vault: Vault,
    response: Response,
) -> VolunteerOut:
    """One volunteer; 404 when absent or outside your scope."""
    volunteer = await volunteer_service.get(session, principal, vault, volunteer_id)
    set_etag(response, volunteer.version)
    return volunteer


@router.patch("/{volunteer_id}")
async def update_volunteer(
    volunteer_id: uuid.UUID,
    body: VolunteerUpdate,
    principal: CurrentPrincipal,
    session: DbSession,
    vault: Vault,
    response: Response,
    if_match: IfMatch = None,
) -> VolunteerOut:
    """Change a volunteer's profile (the volunteer or managing staff); needs If-Match."""
    volunteer = await volunteer_service.update(session, principal, vault, volunteer_id, if_match, body)
    set_etag(response, volunteer.version)
    return volunteer


@router.post("/{volunteer_id}/verify")
async def verify_volunteer(
    volunteer_id: uuid.UUID,
    body: VerificationDecision,
    principal: CurrentPrincipal,
    session: DbSession,
    vault: Vault,
    response: Response,
) -> VolunteerOut:
    """Record the platform's verification decision: pending → verified or rejected."""
    volunteer = await volunteer_service.verify(session, principal, vault, volunteer_id, body)
    set_etag(response, volunteer.version)
    return volunteer
