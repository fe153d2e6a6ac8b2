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
from strawberry.tools import merge_types
from strawberry.types import Info
from strawberry.types.enum import StrawberryEnumDefinition

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
from services.case import contract as case_contract
from services.common import vocabulary
from services.common.settings import Settings

GInfo = Info[GatewayContext, None]


@strawberry.enum(description="Readiness of one upstream service")
class ReadinessStatus(vocabulary.Vocabulary):
    READY = "ready", "就绪"
    UNAVAILABLE = "unavailable", "不可用"


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
        return case_types.Platform.from_model(record) if isinstance(record, case_contract.Platform) else None


# Global id type name -> (loader name, GraphQL type): each types module lists its own.
NODE_TYPES: dict[str, tuple[str, Callable[[Any], Any]]] = {
    **case_types.NODES,
    **volunteer_types.NODES,
    **resource_types.NODES,
}

# The scope an app client needs to read a node of each type; other types are not for apps.
NODE_SCOPES = {
    "PublicWish": "wishes:read",
    "Activity": "activities:read",
    "Offer": "offers:read",
    "Organization": "offers:read",
    # An app reads its own pledges and their holds (the services answer only the claimant's).
    "Pledge": "wishes:claim",
    "Hold": "wishes:claim",
}


def schema_vocabularies(schema: strawberry.Schema) -> list[Vocabulary]:
    """Every enum of the graph with its zh-CN labels (the code is the enum value's name in GraphQL
    and its value in REST), so that no code-valued field has values a client cannot look up."""
    out = []
    for name in sorted(schema._schema.type_map):
        definition = schema.get_type_by_name(name)
        if isinstance(definition, StrawberryEnumDefinition) and not name.startswith("__"):
            members: list[Enum] = list(definition.wrapped_cls)
            terms = [Term(code=m.value, label=getattr(m, "label", m.name), name=m.name) for m in members]
            out.append(Vocabulary(name=name, terms=terms))
    return out


@strawberry.type
class CoreQuery:
    """The gateway's own fields: health, node, viewer, vocabularies."""

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
    def vocabularies(self, info: GInfo) -> list[Vocabulary]:
        return schema_vocabularies(info.schema)


# The root types: the fields above, and those each module resolves (one place per service).
Query = merge_types(
    "Query",
    (
        CoreQuery,
        case_queries.CaseQueryFields,
        volunteer_queries.VolunteersQueryFields,
        volunteer_mutations.VolunteersQueryFields,
        resource_queries.ResourcesQueryFields,
        stats_queries.StatsQueryFields,
        event_queries.EventsQueryFields,
        fund_queries.FundsQueryFields,
        matching_queries.MatchingQueryFields,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        volunteer_mutations.VolunteersMutationFields,
        fund_queries.FundsMutationFields,
        case_mutations.CaseMutationFields,
        case_work.CaseWorkMutationFields,
        linking_mutations.LinkingMutationFields,
        resource_mutations.ResourcesMutationFields,
    ),
)


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
