"""HTTP routes of organisations."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from services.common.auth import CurrentPrincipal
from services.common.batch import BatchIds, parse_batch_ids
from services.common.concurrency import IfMatch, set_etag
from services.common.database import DbSession
from services.common.idempotency import IdempotencyKey, run_idempotent
from services.common.pagination import Cursor, Page, PageSize
from services.common.regions import RegionCode
from services.common.vocabulary import OrganizationKind
from services.resources.models import IdempotencyRecord
from services.resources.organizations import repository as organization_repository
from services.resources.organizations import service as organization_service
from services.resources.organizations.schemas import (
    Organization,
    OrganizationCreate,
    OrganizationUpdate,
    VerificationStatus,
)

router = APIRouter(prefix="/v1/organizations", tags=["organizations"])


@router.get("")
async def list_organizations(
    principal: CurrentPrincipal,
    session: DbSession,
    kind: OrganizationKind | None = None,
    verification_status: VerificationStatus | None = None,
    region: Annotated[RegionCode | None, Query(description="A region code served")] = None,
    limit: PageSize = 20,
    cursor: Cursor = None,
) -> Page[Organization]:
    """Organisations you may see, newest first; filter by kind, verification or a served region."""
    rows, next_cursor = await organization_repository.search(
        session,
        principal,
        kind=kind,
        verification_status=verification_status,
        region=region,
        cursor=cursor,
        limit=limit,
    )
    items = await organization_service.present_all(session, principal, rows)
    return Page(items=items, next_cursor=next_cursor)


@router.get(":batch")
async def batch_organizations(principal: CurrentPrincipal, session: DbSession, ids: BatchIds) -> Page[Organization]:
    """The readable organisations among `ids` (others are left out)."""
    rows = await organization_repository.get_many(session, principal, parse_batch_ids(ids))
    return Page(items=await organization_service.present_all(session, principal, rows))


@router.post("", status_code=201, response_model=Organization)
async def register_organization(
    body: OrganizationCreate,
    principal: CurrentPrincipal,
    session: DbSession,
    key: IdempotencyKey = None,
) -> Response:
    """Register an organisation (civil-affairs admins); it starts pending verification."""

    async def register() -> Organization:
        return await organization_service.register(session, principal, body)

    return await run_idempotent(session, IdempotencyRecord, principal, key, "register_organization", body, register)


@router.get("/{org_id}")
async def get_organization(
    org_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, response: Response
) -> Organization:
    """One organisation; 404 when absent or outside your scope."""
    organization = await organization_service.get(session, principal, org_id)
    set_etag(response, organization.version)
    return await organization_service.present(session, principal, organization)


@router.patch("/{org_id}")
async def update_organization(
    org_id: uuid.UUID,
    body: OrganizationUpdate,
    principal: CurrentPrincipal,
    session: DbSession,
    response: Response,
    if_match: IfMatch = None,
) -> Organization:
    """Change name, contact or service regions (own staff or admins); If-Match required."""
    organization = await organization_service.update(session, principal, org_id, body, if_match)
    set_etag(response, organization.version)
    return await organization_service.present(session, principal, organization)


@router.post("/{org_id}/verify")
async def verify_organization(
    org_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, response: Response
) -> Organization:
    """Mark the organisation verified (civil-affairs admins only)."""
    organization = await organization_service.set_verification(session, principal, org_id, "verified")
    set_etag(response, organization.version)
    return await organization_service.present(session, principal, organization)


@router.post("/{org_id}/reject")
async def reject_organization(
    org_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, response: Response
) -> Organization:
    """Mark the organisation rejected (civil-affairs admins only)."""
    organization = await organization_service.set_verification(session, principal, org_id, "rejected")
    set_etag(response, organization.version)
    return await organization_service.present(session, principal, organization)
