"""Volunteer teams (志愿服务队伍) and their members and leaders."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from services.common.auth import Principal
from services.common.concurrency import check_version
from services.common.errors import Conflict, NotFound
from services.common.pagination import Page
from services.common.settings import Settings
from services.volunteers.kit import record_change, scope_of
from services.volunteers.models import Team, TeamMember
from services.volunteers.scoping import owning_path
from services.volunteers.teams import auth
from services.volunteers.teams import repository as team_repository
from services.volunteers.teams.schemas import MemberAdd, MemberOut, TeamCreate, TeamOut, TeamUpdate


def not_found(team_id: uuid.UUID) -> NotFound:
    return NotFound(f"No team {team_id}.", f"未找到志愿服务队伍 {team_id}。")


async def _managed(session: AsyncSession, principal: Principal, team_id: uuid.UUID) -> Team:
    team = await team_repository.get(session, principal, team_id, lock=True)
    if team is None:
        raise not_found(team_id)
    auth.require_manage(principal, team.platform_path, team.org_id, team.region)
    return team


async def create(session: AsyncSession, principal: Principal, body: TeamCreate, settings: Settings) -> TeamOut:
    """Found a team for a platform (yours or, with its ticket, one below it) or your organisation."""
    platform_path = owning_path(principal, settings, body.platform_id, body.region, body.platform_ticket)
    auth.require_manage(principal, platform_path, body.org_id, body.region)
    team = Team(**body.model_dump(exclude={"platform_ticket"}), platform_path=platform_path)
    await team_repository.add(session, team)
    await record_change(
        session,
        principal,
        action="created",
        entity="team",
        entity_id=team.id,
        scope=scope_of(team),
        event="team.created",
        payload={"platform_id": team.platform_id, "org_id": team.org_id, "region": team.region},
    )
    return TeamOut.model_validate(team)


async def get(session: AsyncSession, principal: Principal, team_id: uuid.UUID) -> TeamOut:
    team = await team_repository.get(session, principal, team_id)
    if team is None:
        raise not_found(team_id)
    return TeamOut.model_validate(team)


async def search(
    session: AsyncSession, principal: Principal, region: str | None, cursor: str | None, limit: int
) -> Page[TeamOut]:
    rows, next_cursor = await team_repository.search(session, principal, cursor=cursor, limit=limit, region=region)
    return Page[TeamOut](items=[TeamOut.model_validate(r) for r in rows], next_cursor=next_cursor)


async def batch(session: AsyncSession, principal: Principal, ids: list[uuid.UUID]) -> list[TeamOut]:
    rows = {r.id: r for r in await team_repository.get_many(session, principal, ids)}
    return [TeamOut.model_validate(rows[i]) for i in ids if i in rows]


async def rename(
    session: AsyncSession,
    principal: Principal,
    team_id: uuid.UUID,
    if_match: str | None,
    body: TeamUpdate,
) -> TeamOut:
    team = await _managed(session, principal, team_id)
    check_version(if_match, team.version)
    team.name = body.name
    team.version += 1
    await session.flush()
    await record_change(
        session,
        principal,
        action="updated",
        entity="team",
        entity_id=team.id,
        scope=scope_of(team),
        event="team.updated",
        payload={"name": team.name},
    )
    return TeamOut.model_validate(team)


async def members(session: AsyncSession, principal: Principal, team_id: uuid.UUID) -> list[MemberOut]:
    await get(session, principal, team_id)
    rows = await team_repository.members_readable(session, principal, team_id)
    return [MemberOut.model_validate(r) for r in rows]


async def add_member(session: AsyncSession, principal: Principal, team_id: uuid.UUID, body: MemberAdd) -> MemberOut:
    """Add a volunteer (by the id they gave you) as a member or leader."""
    team = await _managed(session, principal, team_id)
    if not await team_repository.volunteer_exists(session, body.volunteer_id):
        raise NotFound(f"No volunteer {body.volunteer_id}.", f"未找到志愿者 {body.volunteer_id}。")
    if await team_repository.member(session, team.id, body.volunteer_id) is not None:
        raise Conflict("The volunteer is already a member.", "该志愿者已是队伍成员。")
    member = TeamMember(team_id=team.id, volunteer_id=body.volunteer_id, is_leader=body.is_leader)
    await team_repository.add(session, member)
    await record_change(
        session,
        principal,
        action="member_added",
        entity="team",
        entity_id=team.id,
        scope=scope_of(team),
        event="team.member_added",
        payload={"volunteer_id": body.volunteer_id, "is_leader": body.is_leader},
    )
    return MemberOut.model_validate(member)


async def remove_member(
    session: AsyncSession, principal: Principal, team_id: uuid.UUID, volunteer_id: uuid.UUID
) -> None:
    team = await _managed(session, principal, team_id)
    member = await team_repository.member(session, team.id, volunteer_id)
    if member is None:
        raise NotFound("Not a member of this team.", "该志愿者不是队伍成员。")
    await team_repository.remove(session, member)
    await record_change(
        session,
        principal,
        action="member_removed",
        entity="team",
        entity_id=team.id,
        scope=scope_of(team),
        event="team.member_removed",
        payload={"volunteer_id": volunteer_id},
    )
