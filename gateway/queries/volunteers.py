"""Root query fields over the volunteers service."""

import strawberry
from strawberry.types import Info

from gateway.auth import caller
from gateway.context import GatewayContext
from gateway.queries.case import page_size
from gateway.types.common import Connection, Language, Skill, connection
from gateway.types.volunteers import Activity, CareVisit, Volunteer
from services.common.pagination import DEFAULT_PAGE_SIZE
from services.common.vocabulary import STAFF_ROLES, Role

GInfo = Info[GatewayContext, None]


@strawberry.input
class VolunteerFilter:
    skill: Skill | None = None
    language: Language | None = None
    region: str | None = None


async def volunteers(
    info: GInfo, first: int = DEFAULT_PAGE_SIZE, after: str | None = None, filter: VolunteerFilter | None = None
) -> Connection[Volunteer] | None:
    """Volunteers in your scope, searchable by skill, language and region."""
    caller(info, roles=STAFF_ROLES | {Role.ORG_STAFF})
    f = filter or VolunteerFilter()
    page = await info.context.upstreams.volunteers.page(
        "volunteers", limit=page_size(first), cursor=after, skill=f.skill, language=f.language, region=f.region
    )
    records = page["items"]
    return connection([Volunteer.from_record(r) for r in records], records, page["next_cursor"])


async def activities(
    info: GInfo, first: int = DEFAULT_PAGE_SIZE, after: str | None = None, region: str | None = None
) -> Connection[Activity] | None:
    """Activities you can see (public ones for apps with `activities:read`)."""
    caller(info, scope="activities:read")
    page = await info.context.upstreams.volunteers.page(
        "activities", limit=page_size(first), cursor=after, region=region
    )
    records = page["items"]
    return connection([Activity.from_record(r) for r in records], records, page["next_cursor"])


async def care_visits(
    info: GInfo, first: int = DEFAULT_PAGE_SIZE, after: str | None = None, needs_attention: bool = True
) -> Connection[CareVisit] | None:
    """Care visits in your scope; by default what a station must see: missed visits and wellbeing flags."""
    caller(info, roles=STAFF_ROLES | {Role.VOLUNTEER})
    page = await info.context.upstreams.volunteers.page(
        "visits", limit=page_size(first), cursor=after, flagged=needs_attention
    )
    records = page["items"]
    return connection([CareVisit.from_record(r) for r in records], records, page["next_cursor"])


@strawberry.type
class VolunteersQueryFields:
    """The query fields this module resolves (merged into the schema's root type)."""

    volunteers = strawberry.field(resolver=volunteers)
    activities = strawberry.field(resolver=activities)
    care_visits = strawberry.field(resolver=care_visits)
