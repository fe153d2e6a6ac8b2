"""Root query fields over the volunteers service: volunteers, activities, sign-ups, care
assignments and visits (for staff, and a volunteer's own), hours and certificates, teams."""

from collections.abc import Awaitable
from typing import TypeVar

import strawberry
from strawberry.types import Info

from gateway.auth import caller
from gateway.clients.base import UpstreamError
from gateway.context import GatewayContext
from gateway.errors import forbidden
from gateway.ids import local_id
from gateway.queries.case import page_size
from gateway.types.common import Connection
from gateway.types.volunteers import (
    Activity,
    CareAssignment,
    CareVisit,
    HoursSummary,
    ServiceCertificate,
    SignUp,
    Team,
    Volunteer,
    connection_of,
)
from services.common.pagination import DEFAULT_PAGE_SIZE
from services.common.vocabulary import STAFF_ROLES, CareAssignmentState, Language, Role, Skill

GInfo = Info[GatewayContext, None]
T = TypeVar("T")
READERS = STAFF_ROLES | {Role.ORG_STAFF, Role.VOLUNTEER}


@strawberry.input
class VolunteerFilter:
    skill: Skill | None = None
    language: Language | None = None
    region: str | None = None


async def _or_none(read: Awaitable[T]) -> T | None:
    """A record outside the caller's scope reads as absent (the service answers 404)."""
    try:
        return await read
    except UpstreamError as exc:
        if exc.status == 404:
            return None
        raise


def _local(global_id: strawberry.ID | None, type_name: str) -> str | None:
    return str(local_id(global_id, type_name)) if global_id else None


async def volunteers(
    info: GInfo, first: int = DEFAULT_PAGE_SIZE, after: str | None = None, filter: VolunteerFilter | None = None
) -> Connection[Volunteer] | None:
    """Volunteers in your scope, searchable by skill, language and region."""
    caller(info, roles=STAFF_ROLES | {Role.ORG_STAFF})
    f = filter or VolunteerFilter()
    page = await info.context.upstreams.volunteers.volunteers.page(
        limit=page_size(first), cursor=after, skill=f.skill, language=f.language, region=f.region
    )
    return connection_of([Volunteer.from_model(m) for m in page.items], page.next_cursor)


async def activities(
    info: GInfo, first: int = DEFAULT_PAGE_SIZE, after: str | None = None, region: str | None = None
) -> Connection[Activity] | None:
    """Activities you can see (public ones for apps with `activities:read`)."""
    caller(info, scope="activities:read")
    page = await info.context.upstreams.volunteers.activities.page(limit=page_size(first), cursor=after, region=region)
    return connection_of([Activity.from_model(m) for m in page.items], page.next_cursor)


async def care_visits(
    info: GInfo,
    first: int = DEFAULT_PAGE_SIZE,
    after: str | None = None,
    needs_attention: bool = True,
    assignment_id: strawberry.ID | None = None,
) -> Connection[CareVisit] | None:
    """Care visits in your scope; by default what a station must see: missed visits and wellbeing
    flags. With `assignmentId`: every visit of that assignment."""
    caller(info, roles=STAFF_ROLES | {Role.VOLUNTEER})
    client = info.context.upstreams.volunteers
    assignment = _local(assignment_id, "CareAssignment")
    if assignment is not None:
        page = await client.assignments.visits(assignment, limit=page_size(first), cursor=after)
    else:
        page = await client.visits.page(limit=page_size(first), cursor=after, flagged=needs_attention)
    return connection_of([CareVisit.from_model(m) for m in page.items], page.next_cursor)


async def care_assignments(
    info: GInfo,
    first: int = DEFAULT_PAGE_SIZE,
    after: str | None = None,
    volunteer_id: strawberry.ID | None = None,
    state: CareAssignmentState | None = None,
) -> Connection[CareAssignment]:
    """Care assignments in your scope, newest first: who visits which elder, on which schedule.
    A volunteer sees their own (the address only while an assignment is active)."""
    caller(info, roles=READERS)
    page = await info.context.upstreams.volunteers.assignments.page(
        limit=page_size(first),
        cursor=after,
        volunteer_id=_local(volunteer_id, "Volunteer"),
        state=state.value if state else None,
    )
    return connection_of([CareAssignment.from_model(m) for m in page.items], page.next_cursor)


async def my_care_assignments(
    info: GInfo, state: CareAssignmentState | None = None, first: int = DEFAULT_PAGE_SIZE, after: str | None = None
) -> Connection[CareAssignment]:
    """The calling volunteer's own care assignments, with the elder's address while each is active."""
    principal = caller(info, roles=frozenset({Role.VOLUNTEER}))
    if principal.volunteer_id is None:
        raise forbidden("This token names no volunteer.", "该令牌未指明志愿者。")
    page = await info.context.upstreams.volunteers.assignments.page(
        limit=page_size(first),
        cursor=after,
        volunteer_id=str(principal.volunteer_id),
        state=state.value if state else None,
    )
    return connection_of([CareAssignment.from_model(m) for m in page.items], page.next_cursor)


async def sign_ups(
    info: GInfo, volunteer_id: strawberry.ID | None = None, first: int = DEFAULT_PAGE_SIZE, after: str | None = None
) -> Connection[SignUp]:
    """Sign-ups you may read (a volunteer: their own), optionally of one volunteer, newest first."""
    caller(info, roles=READERS)
    page = await info.context.upstreams.volunteers.signups.page(
        limit=page_size(first), cursor=after, volunteer_id=_local(volunteer_id, "Volunteer")
    )
    return connection_of([SignUp.from_model(m) for m in page.items], page.next_cursor)


async def volunteer_hours(info: GInfo, volunteer_id: strawberry.ID) -> HoursSummary | None:
    """A volunteer's approved hours, minutes awaiting approval and star level (null outside your scope)."""
    caller(info, roles=READERS)
    volunteer = str(local_id(volunteer_id, "Volunteer"))
    summary = await _or_none(info.context.upstreams.volunteers.hours.summary(volunteer))
    return HoursSummary.from_model(summary) if summary else None


async def service_certificate(info: GInfo, volunteer_id: strawberry.ID) -> ServiceCertificate | None:
    """The data of a volunteer's service certificate (志愿服务记录证明; null outside your scope)."""
    caller(info, roles=READERS)
    volunteer = str(local_id(volunteer_id, "Volunteer"))
    record = await _or_none(info.context.upstreams.volunteers.hours.service_record(volunteer))
    return ServiceCertificate.from_model(record) if record else None


async def teams(
    info: GInfo, first: int = DEFAULT_PAGE_SIZE, after: str | None = None, region: str | None = None
) -> Connection[Team]:
    """Volunteer teams you may read, newest first."""
    caller(info, roles=READERS)
    page = await info.context.upstreams.volunteers.teams.page(limit=page_size(first), cursor=after, region=region)
    return connection_of([Team.from_model(m) for m in page.items], page.next_cursor)


@strawberry.type
class VolunteersQueryFields:
    """The query fields this module resolves (merged into the schema's root type)."""

    volunteers = strawberry.field(resolver=volunteers)
    activities = strawberry.field(resolver=activities)
    care_visits = strawberry.field(resolver=care_visits)
    care_assignments = strawberry.field(resolver=care_assignments)
    my_care_assignments = strawberry.field(resolver=my_care_assignments)
    sign_ups = strawberry.field(resolver=sign_ups)
    volunteer_hours = strawberry.field(resolver=volunteer_hours)
    service_certificate = strawberry.field(resolver=service_certificate)
    teams = strawberry.field(resolver=teams)
