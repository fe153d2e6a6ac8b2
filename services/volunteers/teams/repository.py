"""Every query on teams and their members."""

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.auth import Principal
from services.common.repository import ScopedRepository, filter_set, prefix
from services.volunteers.models import Team, TeamMember, Volunteer
from services.volunteers.scoping import readable


class TeamRepository(ScopedRepository[Team]):
    model = Team
    filters = filter_set(region=prefix(Team.region))


teams = TeamRepository(readable)
get, get_many, search = teams.get, teams.get_many, teams.search


async def members_readable(session: AsyncSession, principal: Principal, team_id: uuid.UUID) -> Sequence[TeamMember]:
    statement = readable(select(TeamMember).where(TeamMember.team_id == team_id), principal).order_by(
        TeamMember.is_leader.desc(), TeamMember.created_at
    )
    return (await session.scalars(statement)).all()


async def member(session: AsyncSession, team_id: uuid.UUID, volunteer_id: uuid.UUID) -> TeamMember | None:
    """A membership of a team the caller already read through `readable`."""
    return await session.get(TeamMember, (team_id, volunteer_id))


async def volunteer_exists(session: AsyncSession, volunteer_id: uuid.UUID) -> bool:
    """Existence only: a team manager adds a volunteer by the id the volunteer gave them."""
    return await session.scalar(select(Volunteer.id).where(Volunteer.id == volunteer_id)) is not None


async def add(session: AsyncSession, row: Team | TeamMember) -> None:
    session.add(row)
    await session.flush()
    await session.refresh(row)


async def remove(session: AsyncSession, row: TeamMember) -> None:
    await session.delete(row)
    await session.flush()
