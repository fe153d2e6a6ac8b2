"""Who may read which rows: the one place the caller's scope is added to a statement.

Every repository read of a scoped table goes through `readable` (tests/volunteers/
test_scoping.py proves it). Rules, by role (DESIGN.md, "Security model"):

- civil_affairs_admin: everything under their region prefix (read-only).
- centre_staff / station_staff / community_worker: the rows of their platform's subtree (the
  row's `platform_path` names the caller's platform) that lie under their region prefix — the
  one staff-scope policy of every service (a broad region claim does not widen the subtree).
- org_staff: their organisation's teams and activities, and the members of those teams.
- volunteer: their own record, sign-ups, assignments, visits, hours and teams, and the
  activities of their station and teams.
- app_client: public activities only.
Public activities are readable by every authenticated caller.
"""

import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, false, or_, select, true
from sqlalchemy.orm import InstrumentedAttribute

from services.common.auth import Principal
from services.common.errors import Forbidden
from services.common.regions import covers
from services.common.settings import Settings
from services.common.tickets import PlatformTicket, TicketInvalid, unseal
from services.common.vocabulary import Role
from services.volunteers.models import (
    Activity,
    CareAssignment,
    CorrectionRequest,
    HoursEntry,
    SignUp,
    Team,
    TeamMember,
    VisitLog,
    Volunteer,
)

S = TypeVar("S", bound=Select[*tuple[Any, ...]])
PLATFORM_STAFF = frozenset({Role.CENTRE_STAFF, Role.STATION_STAFF, Role.COMMUNITY_WORKER})


def readable(statement: S, principal: Principal, entity: type[Any] | None = None) -> S:
    """`statement` narrowed to the rows of `entity` (default: its first entity) the caller
    may read."""
    target = entity or statement.column_descriptions[0]["entity"]
    rule = _RULES.get(target)
    if rule is None:
        raise LookupError(f"no read scope is defined for {target!r}")
    return statement.where(rule(principal))


def in_region(column: InstrumentedAttribute[str], prefix: str) -> ColumnElement[bool]:
    return column.startswith(prefix, autoescape=True) if prefix else true()


def platform_staff_scope(
    principal: Principal,
    path_column: InstrumentedAttribute[str],
    region_column: InstrumentedAttribute[str],
) -> ColumnElement[bool]:
    """Staff see the rows of their platform's subtree that lie in their region prefix."""
    if principal.platform_id is None:
        return false()
    in_subtree = path_column.contains(f"/{principal.platform_id}/", autoescape=True)
    return in_subtree & in_region(region_column, principal.region)


def _volunteers(principal: Principal) -> ColumnElement[bool]:
    if principal.role is Role.CIVIL_AFFAIRS_ADMIN:
        return in_region(Volunteer.region, principal.region)
    if principal.role in PLATFORM_STAFF:
        return platform_staff_scope(principal, Volunteer.platform_path, Volunteer.region)
    if principal.role is Role.ORG_STAFF and principal.org_id is not None:
        members = select(TeamMember.volunteer_id).join(Team, Team.id == TeamMember.team_id)
        return Volunteer.id.in_(members.where(Team.org_id == principal.org_id))
    if principal.role is Role.VOLUNTEER and principal.volunteer_id is not None:
        return Volunteer.id == principal.volunteer_id
    return false()


def managed_activities(principal: Principal) -> ColumnElement[bool]:
    """Activities the caller organises or oversees (public ones excluded)."""
    if principal.role is Role.CIVIL_AFFAIRS_ADMIN:
        return in_region(Activity.region, principal.region)
    if principal.role in PLATFORM_STAFF:
        return platform_staff_scope(principal, Activity.platform_path, Activity.region)
    if principal.role is Role.ORG_STAFF and principal.org_id is not None:
        return Activity.org_id == principal.org_id
    return false()


def _activities(principal: Principal) -> ColumnElement[bool]:
    """Public ones; a volunteer also sees their station's, their teams' and their own."""
    own: ColumnElement[bool] = false()
    volunteer_id = principal.volunteer_id
    if principal.role is Role.VOLUNTEER and volunteer_id is not None:
        own = or_(
            Activity.id.in_(select(SignUp.activity_id).where(SignUp.volunteer_id == volunteer_id)),
            Activity.platform_id.in_(select(Volunteer.platform_id).where(Volunteer.id == volunteer_id)),
            Activity.team_id.in_(select(TeamMember.team_id).where(TeamMember.volunteer_id == volunteer_id)),
        )
    return or_(Activity.is_public, managed_activities(principal), own)


def _signups(principal: Principal) -> ColumnElement[bool]:
    if principal.role is Role.VOLUNTEER and principal.volunteer_id is not None:
        return SignUp.volunteer_id == principal.volunteer_id
    return SignUp.activity_id.in_(select(Activity.id).where(managed_activities(principal)))


def _teams(principal: Principal) -> ColumnElement[bool]:
    if principal.role is Role.CIVIL_AFFAIRS_ADMIN:
        return in_region(Team.region, principal.region)
    if principal.role in PLATFORM_STAFF:
        return platform_staff_scope(principal, Team.platform_path, Team.region)
    if principal.role is Role.ORG_STAFF and principal.org_id is not None:
        return Team.org_id == principal.org_id
    if principal.role is Role.VOLUNTEER and principal.volunteer_id is not None:
        mine = select(TeamMember.team_id).where(TeamMember.volunteer_id == principal.volunteer_id)
        return Team.id.in_(mine)
    return false()


def _team_members(principal: Principal) -> ColumnElement[bool]:
    return TeamMember.team_id.in_(select(Team.id).where(_teams(principal)))


def _assignments(principal: Principal) -> ColumnElement[bool]:
    if principal.role is Role.CIVIL_AFFAIRS_ADMIN:
        return in_region(CareAssignment.region, principal.region)
    if principal.role in PLATFORM_STAFF:
        return platform_staff_scope(principal, CareAssignment.platform_path, CareAssignment.region)
    if principal.role is Role.VOLUNTEER and principal.volunteer_id is not None:
        return CareAssignment.volunteer_id == principal.volunteer_id
    return false()


def _visits(principal: Principal) -> ColumnElement[bool]:
    return VisitLog.assignment_id.in_(select(CareAssignment.id).where(_assignments(principal)))


def _hours(principal: Principal) -> ColumnElement[bool]:
    return HoursEntry.volunteer_id.in_(select(Volunteer.id).where(_volunteers(principal)))


def _correction_requests(principal: Principal) -> ColumnElement[bool]:
    """The volunteer's own, those of volunteers the caller reads, and those about activities the
    caller organises (the organiser decides them)."""
    return or_(
        CorrectionRequest.volunteer_id.in_(select(Volunteer.id).where(_volunteers(principal))),
        CorrectionRequest.activity_id.in_(select(Activity.id).where(managed_activities(principal))),
    )


_RULES: dict[type[Any], Callable[[Principal], ColumnElement[bool]]] = {
    Volunteer: _volunteers,
    Activity: _activities,
    SignUp: _signups,
    Team: _teams,
    TeamMember: _team_members,
    CareAssignment: _assignments,
    VisitLog: _visits,
    HoursEntry: _hours,
    CorrectionRequest: _correction_requests,
}


def staff_covers(principal: Principal, platform_path: str, region: str) -> bool:
    """The in-memory twin of `platform_staff_scope`, for write checks on a loaded row."""
    if principal.role not in PLATFORM_STAFF or principal.platform_id is None:
        return False
    return f"/{principal.platform_id}/" in platform_path and region.startswith(principal.region)


def owning_path(
    principal: Principal, settings: Settings, platform_id: uuid.UUID | None, region: str, ticket: str | None
) -> str:
    """The path a new row of `platform_id` lying in `region` gets. This service has no platform
    tree and a body may not name a path: it comes sealed from the case service (`POST
    /v1/platforms/{id}/ticket`, for platforms at or below the caller's), which puts the row in the
    subtree of every platform above it. Without a ticket the service knows the caller's own
    platform only ('/<id>/': its staff see the row, the platforms above do not — narrower, never
    wider); another platform's row then has no path ('') and `staff_covers` refuses to write it."""
    if platform_id is None:
        return ""
    if ticket is None:
        return f"/{platform_id}/" if platform_id == principal.platform_id else ""
    vouched = unseal(PlatformTicket, ticket, principal, settings)
    if vouched.platform_id != platform_id:
        raise TicketInvalid("The ticket is for another platform.", "该凭据属于另一个平台。")
    if not covers(vouched.region_code, region):
        raise Forbidden(
            "The region lies outside the platform's region.",
            "所填行政区划不在该平台辖区之内。",
        )
    return vouched.platform_path
