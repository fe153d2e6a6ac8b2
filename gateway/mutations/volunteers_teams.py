"""Team mutations: found a team, add and remove members (the fields are listed by
gateway/mutations/volunteers.py's VolunteersMutationFields)."""

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from gateway.auth import caller
from gateway.context import GatewayContext
from gateway.ids import local_id
from gateway.mutations.inputs import body_of
from gateway.mutations.volunteers_requests import parsed, with_platform_ticket
from gateway.outcomes import outcome
from gateway.types.common import Conflict, InvalidInput, NotFound
from gateway.types.volunteers import Team, TeamMember
from services.common.vocabulary import Role
from services.volunteers import contract as c

GInfo = Info[GatewayContext, None]
TEAM_WRITERS = frozenset({Role.CENTRE_STAFF, Role.STATION_STAFF, Role.COMMUNITY_WORKER, Role.ORG_STAFF})


@strawberry.input
class CreateTeamInput:
    name: str
    region: str
    platform_id: strawberry.ID | None = strawberry.field(default=None, description="Set exactly one of the two")
    org_id: strawberry.ID | None = None


@strawberry.type
class TeamCreated:
    team: Team


@strawberry.type
class TeamMemberAdded:
    team: Team
    member: TeamMember


@strawberry.type
class TeamMemberRemoved:
    team: Team


CreateTeamResult = Annotated[TeamCreated | InvalidInput | NotFound | Conflict, strawberry.union("CreateTeamResult")]
AddTeamMemberResult = Annotated[
    TeamMemberAdded | InvalidInput | NotFound | Conflict, strawberry.union("AddTeamMemberResult")
]
RemoveTeamMemberResult = Annotated[TeamMemberRemoved | NotFound, strawberry.union("RemoveTeamMemberResult")]


async def create_team(info: GInfo, input: CreateTeamInput, idempotency_key: str | None = None) -> CreateTeamResult:
    """Found a volunteer team for a platform (yours or one below it) or your organisation."""
    principal = caller(info, roles=TEAM_WRITERS)
    teams = info.context.upstreams.volunteers.teams

    async def found() -> c.Team | InvalidInput:
        body = parsed(c.TeamCreate, await with_platform_ticket(info, principal, body_of(input)))
        if isinstance(body, InvalidInput):
            return body
        return await teams.create(body, idempotency_key=idempotency_key)

    def created(m: Any) -> TeamCreated | InvalidInput:
        return m if isinstance(m, InvalidInput) else TeamCreated(team=Team.from_model(m))

    result: CreateTeamResult = await outcome(found, created, CreateTeamResult)
    return result


async def add_team_member(
    info: GInfo, team_id: strawberry.ID, volunteer_id: strawberry.ID, is_leader: bool = False
) -> AddTeamMemberResult:
    """Add a volunteer to a team you manage, as a member or a leader (already a member: Conflict)."""
    caller(info, roles=TEAM_WRITERS)
    team = local_id(team_id, "Team")
    body = c.MemberAdd(volunteer_id=local_id(volunteer_id, "Volunteer"), is_leader=is_leader)
    teams = info.context.upstreams.volunteers.teams

    async def add() -> tuple[c.Team, c.TeamMember]:
        member = await teams.add_member(team, body)
        return await teams.get(team), member

    def added(pair: tuple[c.Team, c.TeamMember]) -> TeamMemberAdded:
        return TeamMemberAdded(team=Team.from_model(pair[0]), member=TeamMember.from_model(pair[1]))

    result: AddTeamMemberResult = await outcome(add, added, AddTeamMemberResult)
    return result


async def remove_team_member(
    info: GInfo, team_id: strawberry.ID, volunteer_id: strawberry.ID
) -> RemoveTeamMemberResult:
    """Take a volunteer off a team you manage."""
    caller(info, roles=TEAM_WRITERS)
    team = local_id(team_id, "Team")
    volunteer = local_id(volunteer_id, "Volunteer")
    teams = info.context.upstreams.volunteers.teams

    async def remove() -> c.Team:
        await teams.remove_member(team, volunteer)
        return await teams.get(team)

    result: RemoveTeamMemberResult = await outcome(
        remove, lambda m: TeamMemberRemoved(team=Team.from_model(m)), RemoveTeamMemberResult
    )
    return result
