"""HTTP routes for teams: /v1/teams."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from services.common.auth import CurrentPrincipal
from services.common.batch import BatchIds, parse_batch_ids
from services.common.concurrency import IfMatch, set_etag
from services.common.database import DbSession
from services.common.idempotency import IdempotencyKey, run_idempotent
from services.common.pagination import DEFAULT_PAGE_SIZE, Cursor, Page, PageSize
from services.common.regions import RegionPrefix
from services.common.settings import AppSettings
from services.volunteers.models import IdempotencyRecord
from services.volunteers.teams import service as team_service
from services.volunteers.teams.schemas import MemberAdd, MemberOut, TeamCreate, TeamOut, TeamUpdate

router = APIRouter(prefix="/v1/teams", tags=["teams"])


@router.get("")
async def list_teams(
    principal: CurrentPrincipal,
    session: DbSession,
    region: Annotated[RegionPrefix | None, Query(description="GB/T 2260 prefix")] = None,
    limit: PageSize = DEFAULT_PAGE_SIZE,
    cursor: Cursor = None,
) -> Page[TeamOut]:
    """Teams you may read, newest first."""
    return await team_service.search(session, principal, region, cursor, limit)


@router.get(":batch")
async def batch_get_teams(ids: BatchIds, principal: CurrentPrincipal, session: DbSession) -> dict[str, list[TeamOut]]:
    """The readable teams among `ids` (≤ 100), in the order asked."""
    return {"items": await team_service.batch(session, principal, parse_batch_ids(ids))}


@router.post("", status_code=201, response_model=TeamOut)
async def create_team(
    body: TeamCreate,
    principal: CurrentPrincipal,
    session: DbSession,
    settings: AppSettings,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Found a team attached to your platform or organisation."""
    return await run_idempotent(
        session,
        IdempotencyRecord,
        principal,
        idempotency_key,
        "create_team",
        body.model_dump(exclude={"platform_ticket"}),
        lambda: team_service.create(session, principal, body, settings),
    )


@router.get("/{team_id}")
async def get_team(team_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, response: Response) -> TeamOut:
    """One team; 404 when absent or outside your scope."""
    team = await team_service.get(session, principal, team_id)
    set_etag(response, team.version)
    return team


@router.patch("/{team_id}")
async def rename_team(
    team_id: uuid.UUID,
    body: TeamUpdate,
    principal: CurrentPrincipal,
    session: DbSession,
    response: Response,
    if_match: IfMatch = None,
) -> TeamOut:
    """Rename a team; needs If-Match."""
    team = await team_service.rename(session, principal, team_id, if_match, body)
    set_etag(response, team.version)
    return team


@router.get("/{team_id}/members")
async def list_team_members(
    team_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession
) -> dict[str, list[MemberOut]]:
    """Members of a team, leaders first."""
    return {"items": await team_service.members(session, principal, team_id)}


@router.post("/{team_id}/members", status_code=201)
async def add_team_member(
    team_id: uuid.UUID, body: MemberAdd, principal: CurrentPrincipal, session: DbSession
) -> MemberOut:
    """Add a member or leader."""
    return await team_service.add_member(session, principal, team_id, body)


@router.delete("/{team_id}/members/{volunteer_id}", status_code=204)
async def remove_team_member(
    team_id: uuid.UUID, volunteer_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession
) -> Response:
    """Remove a member."""
    await team_service.remove_member(session, principal, team_id, volunteer_id)
    return Response(status_code=204)
