"""The GraphQL schema: one graph over the three services."""

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from enum import Enum
from typing import Any

import strawberry
from graphql import GraphQLError, NoSchemaIntrospectionCustomRule
from strawberry.extensions import AddValidationRules
from strawberry.schema.config import StrawberryConfig
from strawberry.types import Info

from gateway.auth import caller
from gateway.clients.base import ServiceClient, UpstreamError, UpstreamUnavailable
from gateway.context import GatewayContext
from gateway.errors import unauthenticated
from gateway.extensions import UpstreamCallCount, assign_error_codes
from gateway.ids import from_global_id
from gateway.limits.documents import DocumentCache
from gateway.limits.extension import QueryLimits
from gateway.loaders import personal_fields
from gateway.lookahead import fields_on
from gateway.mutations import case as case_mutations
from gateway.mutations import case_work
from gateway.mutations import linking as linking_mutations
from gateway.mutations import resources as resource_mutations
from gateway.mutations import volunteers as volunteer_mutations
from gateway.queries import case as case_queries
from gateway.queries import events as event_queries
from gateway.queries import funds as fund_queries
from gateway.queries import matching as matching_queries
from gateway.queries import resources as resource_queries
from gateway.queries import stats as stats_queries
from gateway.queries import volunteers as volunteer_queries
from gateway.scalars import UtcDateTime
from gateway.types import case as case_types
from gateway.types import resources as resource_types
from gateway.types import volunteers as volunteer_types
from gateway.types.common import Node, Role, Term, Vocabulary
from services.common import vocabulary
from services.common.settings import Settings

GInfo = Info[GatewayContext, None]


@strawberry.enum(description="Readiness of one upstream service")
class ReadinessStatus(Enum):
    READY = "ready"
    UNAVAILABLE = "unavailable"


@strawberry.type(description="One upstream service's readiness (its `/readyz`).")
class ServiceHealth:
    name: str
    status: ReadinessStatus
    revision: str | None
    reason: str | None


@strawberry.type(description="The gateway and every service behind it.")
class Health:
    status: ReadinessStatus
    services: list[ServiceHealth]


async def _service_health(client: ServiceClient) -> ServiceHealth:
    try:
        body = await client.readiness()
    except (UpstreamUnavailable, UpstreamError) as exc:
        return ServiceHealth(name=client.service, status=ReadinessStatus.UNAVAILABLE, revision=None, reason=str(exc))
    ready = body.get("status") == "ready"
    return ServiceHealth(
        name=client.service,
        status=ReadinessStatus.READY if ready else ReadinessStatus.UNAVAILABLE,
        revision=body.get("revision"),
        reason=body.get("reason"),
    )


@strawberry.type(description="Who is calling, as the token says.")
class Viewer:
    subject: str
    role: Role
    region: str
    scopes: list[str]
    platform_id: strawberry.Private[str | None]

    @strawberry.field(description="The caller's own platform, for staff.")
    async def platform(self, info: GInfo) -> case_types.Platform | None:
        if self.platform_id is None:
            return None
        record = await info.context.loaders.platforms.load(self.platform_id)
        return case_types.Platform.from_record(record) if record else None


# Global id type name -> (loader name, GraphQL type).
NODE_TYPES: dict[str, tuple[str, Callable[[dict[str, Any]], Any]]] = {
    "Platform": ("platforms", case_types.Platform.from_record),
    "Staff": ("staff", case_types.Staff.from_record),
    "Recipient": ("recipients", case_types.Recipient.from_record),
    "Case": ("cases", case_types.Case.from_record),
    "Need": ("needs", case_types.Need.from_record),
    "Project": ("projects", case_types.Project.from_record),
    "PublicWish": ("public_wishes", case_types.PublicWish.from_record),
    "Volunteer": ("volunteers", volunteer_types.Volunteer.from_record),
    "Activity": ("activities", volunteer_types.Activity.from_record),
    "Organization": ("organizations", resource_types.Organization.from_record),
    "Offer": ("offers", resource_types.Offer.from_record),
}

# The scope an app client needs to read a node of each type; other types are not for apps.
NODE_SCOPES = {
    "PublicWish": "wishes:read",
    "Activity": "activities:read",
    "Offer": "offers:read",
    "Organization": "offers:read",
}

VOCABULARIES = [
    cls
    for cls in vars(vocabulary).values()
    if isinstance(cls, type) and issubclass(cls, vocabulary.Vocabulary) and cls is not vocabulary.Vocabulary
]


@strawberry.type
class Query:
    @strawberry.field(description="Readiness of the gateway's upstream services. Open to everyone.")
    async def health(self, info: GInfo) -> Health:
        services = await asyncio.gather(*(_service_health(c) for c in info.context.upstreams.all()))
        ready = all(s.status is ReadinessStatus.READY for s in services)
        return Health(status=ReadinessStatus.READY if ready else ReadinessStatus.UNAVAILABLE, services=list(services))

    @strawberry.field(description="Any object by its global id, if you may read it.")
    async def node(self, info: GInfo, id: strawberry.ID) -> Node | None:
        type_name, local = from_global_id(id)
        caller(info, scope=NODE_SCOPES.get(type_name))  # services decide what the caller may read
        if type_name not in NODE_TYPES:
            return None
        loader_name, build = NODE_TYPES[type_name]
        fields = personal_fields(loader_name, fields_on(info, type_name))
        record = await info.context.loaders.selecting(loader_name, fields).load(str(local))
        return build(record) if record else None

    @strawberry.field(description="The caller.")
    def viewer(self, info: GInfo) -> Viewer:
        principal = info.context.principal
        if principal is None:
            raise unauthenticated()
        return Viewer(
            subject=principal.subject,
            role=principal.role,
            region=principal.region,
            scopes=sorted(principal.scopes),
            platform_id=str(principal.platform_id) if principal.platform_id else None,
        )

    @strawberry.field(description="Every code list with its zh-CN labels. Open to everyone.")
    def vocabularies(self) -> list[Vocabulary]:
        return [
            Vocabulary(name=cls.__name__, terms=[Term(code=m.value, label=m.label) for m in cls])
            for cls in VOCABULARIES
        ]

    needs = strawberry.field(resolver=case_queries.needs)
    public_wishes = strawberry.field(resolver=case_queries.public_wishes)
    recipients = strawberry.field(resolver=case_queries.recipients)
    cases = strawberry.field(resolver=case_queries.cases)
    platforms = strawberry.field(resolver=case_queries.platforms)
    projects = strawberry.field(resolver=case_queries.projects)
    volunteers = strawberry.field(resolver=volunteer_queries.volunteers)
    activities = strawberry.field(resolver=volunteer_queries.activities)
    care_visits = strawberry.field(resolver=volunteer_queries.care_visits)
    hours_correction_requests = strawberry.field(resolver=volunteer_mutations.hours_correction_requests)
    organizations = strawberry.field(resolver=resource_queries.organizations)
    offers = strawberry.field(resolver=resource_queries.offers)
    linkage_stats = strawberry.field(resolver=stats_queries.linkage_stats)
    events = strawberry.field(resolver=event_queries.events)
    fund_disclosure = strawberry.field(resolver=fund_queries.fund_disclosure)
    propose_matches = strawberry.field(resolver=matching_queries.propose_matches)


@strawberry.type
class Mutation:
    create_platform = strawberry.mutation(resolver=case_mutations.create_platform)
    add_staff = strawberry.mutation(resolver=case_mutations.add_staff)
    create_recipient = strawberry.mutation(resolver=case_mutations.create_recipient)
    open_case = strawberry.mutation(resolver=case_mutations.open_case)
    advance_case = strawberry.mutation(resolver=case_mutations.advance_case)
    publish_need = strawberry.mutation(resolver=case_mutations.publish_need)
    cancel_need = strawberry.mutation(resolver=case_mutations.cancel_need)
    update_need = strawberry.mutation(resolver=case_work.update_need)
    update_recipient = strawberry.mutation(resolver=case_work.update_recipient)
    add_service_record = strawberry.mutation(resolver=case_work.add_service_record)
    refer_case = strawberry.mutation(resolver=case_work.refer_case)
    settle_referral = strawberry.mutation(resolver=case_work.settle_referral)
    create_project = strawberry.mutation(resolver=case_work.create_project)
    confirm_match = strawberry.mutation(resolver=linking_mutations.confirm_match)
    claim_wish = strawberry.mutation(resolver=linking_mutations.claim_wish)
    record_fulfilment = strawberry.mutation(resolver=linking_mutations.record_fulfilment)
    register_organization = strawberry.mutation(resolver=resource_mutations.register_organization)
    verify_organization = strawberry.mutation(resolver=resource_mutations.verify_organization)
    create_offer = strawberry.mutation(resolver=resource_mutations.create_offer)
    publish_offer = strawberry.mutation(resolver=resource_mutations.publish_offer)
    record_donation = strawberry.mutation(resolver=fund_queries.record_donation)
    reverse_ledger_entry = strawberry.mutation(resolver=resource_mutations.reverse_ledger_entry)
    pause_offer = strawberry.mutation(resolver=resource_mutations.pause_offer)
    reject_organization = strawberry.mutation(resolver=resource_mutations.reject_organization)
    register_volunteer = strawberry.mutation(resolver=volunteer_mutations.register_volunteer)
    create_activity = strawberry.mutation(resolver=volunteer_mutations.create_activity)
    sign_up = strawberry.mutation(resolver=volunteer_mutations.sign_up)
    cancel_sign_up = strawberry.mutation(resolver=volunteer_mutations.cancel_sign_up)
    check_in = strawberry.mutation(resolver=volunteer_mutations.check_in)
    check_out = strawberry.mutation(resolver=volunteer_mutations.check_out)
    approve_hours = strawberry.mutation(resolver=volunteer_mutations.approve_hours)
    log_care_visit = strawberry.mutation(resolver=volunteer_mutations.log_care_visit)
    cancel_activity = strawberry.mutation(resolver=volunteer_mutations.cancel_activity)
    verify_volunteer = strawberry.mutation(resolver=volunteer_mutations.verify_volunteer)
    end_care_assignment = strawberry.mutation(resolver=volunteer_mutations.end_care_assignment)
    approve_visit_hours = strawberry.mutation(resolver=volunteer_mutations.approve_visit_hours)
    request_hours_correction = strawberry.mutation(resolver=volunteer_mutations.request_hours_correction)
    approve_hours_correction = strawberry.mutation(resolver=volunteer_mutations.approve_hours_correction)
    refuse_hours_correction = strawberry.mutation(resolver=volunteer_mutations.refuse_hours_correction)


error_log = logging.getLogger("wushe.graphql")


class GatewaySchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """One line per error, by code and path only: never the document or its literals (a name typed
        into a query, a coercion message quoting a value). Unexpected crashes were logged with their
        traceback when they were masked (assign_error_codes); the rest are the client's business."""
        assign_error_codes(errors)
        for error in errors:
            extensions = error.extensions or {}
            code = str(extensions.get("code", ""))
            if code != "INTERNAL":
                error_log.info(
                    "graphql %s at %s",
                    code,
                    ".".join(map(str, error.path or [])) or "-",
                    extra={"code": code, "upstream_code": extensions.get("upstreamCode")},
                )


def build_schema(settings: Settings) -> strawberry.Schema:
    # Factories, not instances: each request gets fresh extensions (they hold per-request state).
    # QueryLimits parses and validates in time linear in the document (gateway/limits/), replacing
    # Strawberry's depth, alias and token limiters, its parser and validation caches.
    documents = DocumentCache(max_tokens=settings.graphql_max_tokens)
    extensions: list[Any] = [lambda: QueryLimits(settings, documents)]
    if settings.environment != "production":
        extensions.append(UpstreamCallCount)
    if not settings.introspection:
        extensions.append(lambda: AddValidationRules([NoSchemaIntrospectionCustomRule]))
    return GatewaySchema(
        query=Query,
        mutation=Mutation,
        extensions=extensions,
        config=StrawberryConfig(
            scalar_map={dt.datetime: UtcDateTime},
            # "Did you mean …?" hands out the schema piece by piece: not in production.
            disable_field_suggestions=settings.environment == "production",
        ),
    )
