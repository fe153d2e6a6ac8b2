"""HTTP routes for platforms and their staff."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from services.case.models import IdempotencyRecord
from services.case.platforms import repository, service
from services.case.platforms.schemas import (
    Platform,
    PlatformCreate,
    PlatformTicketOut,
    PlatformUpdate,
    Staff,
    StaffCreate,
    StaffUpdate,
)
from services.common.auth import CurrentPrincipal
from services.common.batch import BatchIds, parse_batch_ids
from services.common.concurrency import IfMatch, set_etag
from services.common.database import DbSession
from services.common.idempotency import IdempotencyKey, run_idempotent
from services.common.pagination import Cursor, Page, PageSize
from services.common.personal_data import Vault
from services.common.regions import RegionPrefix
from services.common.settings import AppSettings
from services.common.tickets import TICKET_TTL_S
from services.common.vocabulary import PlatformLevel

router = APIRouter(prefix="/v1", tags=["platforms"])


@router.get("/platforms", response_model=Page[Platform])
async def list_platforms(
    principal: CurrentPrincipal,
    session: DbSession,
    level: PlatformLevel | None = None,
    region: Annotated[RegionPrefix | None, Query(description="Region-code prefix")] = None,
    parent_id: uuid.UUID | None = None,
    cursor: Cursor = None,
    limit: PageSize = 20,
) -> Page[Platform]:
    """Platforms the caller can see, newest first."""
    rows, next_cursor = await repository.search(
        session, principal, level=level, region=region, parent_id=parent_id, cursor=cursor, limit=limit
    )
    return Page(items=[Platform.model_validate(row) for row in rows], next_cursor=next_cursor)


@router.get("/platforms:batch", response_model=Page[Platform])
async def batch_platforms(principal: CurrentPrincipal, session: DbSession, ids: BatchIds) -> Page[Platform]:
    """Several platforms by id (the gateway's DataLoader); unknown or unreadable ids are left out."""
    rows = await repository.get_many(session, principal, parse_batch_ids(ids))
    return Page(items=[Platform.model_validate(row) for row in rows])


@router.get("/platforms/{platform_id}", response_model=Platform)
async def get_platform(
    platform_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, response: Response
) -> Platform:
    """One platform; 404 when it does not exist or is outside the caller's scope."""
    platform = await service.get(session, principal, platform_id)
    set_etag(response, platform.version)
    return Platform.model_validate(platform)


@router.post("/platforms", status_code=201, response_model=Platform)
async def create_platform(
    data: PlatformCreate, principal: CurrentPrincipal, session: DbSession, key: IdempotencyKey = None
) -> Response:
    """Add a county centre (admins), a station (under a centre) or a community room (under a station)."""

    async def create() -> Platform:
        return Platform.model_validate(await service.create(session, principal, data))

    return await run_idempotent(session, IdempotencyRecord, principal, key, "create_platform", data, create)


@router.patch("/platforms/{platform_id}", response_model=Platform)
async def update_platform(
    platform_id: uuid.UUID,
    data: PlatformUpdate,
    principal: CurrentPrincipal,
    session: DbSession,
    response: Response,
    if_match: IfMatch = None,
) -> Platform:
    """Change name, address, phone or service model; send `If-Match` with the ETag you read."""
    platform = await service.update(session, principal, platform_id, data, if_match)
    set_etag(response, platform.version)
    return Platform.model_validate(platform)


@router.post("/platforms/{platform_id}/ticket", response_model=PlatformTicketOut)
async def platform_ticket(
    platform_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, settings: AppSettings
) -> PlatformTicketOut:
    """A sealed ticket naming the platform's path and region, for volunteers, teams and activities
    registered for it in the volunteers service (staff of the platform or one above it)."""
    token = await service.ticket_for(session, principal, platform_id, settings)
    return PlatformTicketOut(ticket=token, expires_in_s=TICKET_TTL_S)


@router.get("/platforms/{platform_id}/staff", response_model=list[Staff])
async def list_staff(platform_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession) -> list[Staff]:
    """Staff of one platform, with role, specialty and certification level."""
    rows = await service.list_staff(session, principal, platform_id)
    return [Staff.model_validate(row) for row in rows]


@router.post("/platforms/{platform_id}/staff", status_code=201, response_model=Staff)
async def add_staff(
    platform_id: uuid.UUID,
    data: StaffCreate,
    principal: CurrentPrincipal,
    session: DbSession,
    vault: Vault,
    key: IdempotencyKey = None,
) -> Response:
    """Add a station head, deputy or resident social worker to a platform. With an ID number or
    phone, the same person already at the platform is a 409 `STAFF_ALREADY_RECORDED`."""

    async def create() -> Staff:
        return Staff.model_validate(await service.add_staff(session, principal, vault, platform_id, data))

    payload = {"platform_id": platform_id, **data.model_dump()}
    return await run_idempotent(session, IdempotencyRecord, principal, key, "add_staff", payload, create)


@router.get("/staff:batch", response_model=Page[Staff])
async def batch_staff(principal: CurrentPrincipal, session: DbSession, ids: BatchIds) -> Page[Staff]:
    """Several staff members by id."""
    rows = await repository.get_staff(session, principal, parse_batch_ids(ids))
    return Page(items=[Staff.model_validate(row) for row in rows])


@router.patch("/staff/{staff_id}", response_model=Staff)
async def update_staff(
    staff_id: uuid.UUID,
    data: StaffUpdate,
    principal: CurrentPrincipal,
    session: DbSession,
    response: Response,
    if_match: IfMatch = None,
) -> Staff:
    """Change a staff member's role, specialty, certification or active flag."""
    staff = await service.update_staff(session, principal, staff_id, data, if_match)
    set_etag(response, staff.version)
    return Staff.model_validate(staff)
