"""The GraphQL schema: one graph over the three services."""

import asyncio
from enum import Enum

import strawberry
from strawberry.extensions import (
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.types import Info

from gateway.clients.base import ServiceClient, UpstreamError, UpstreamUnavailable
from gateway.context import GatewayContext


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
        return ServiceHealth(
            name=client.service, status=ReadinessStatus.UNAVAILABLE, revision=None, reason=str(exc)
        )
    ready = body.get("status") == "ready"
    return ServiceHealth(
        name=client.service,
        status=ReadinessStatus.READY if ready else ReadinessStatus.UNAVAILABLE,
        revision=body.get("revision"),
        reason=body.get("reason"),
    )


@strawberry.type
class Query:
    @strawberry.field(description="Readiness of the gateway's upstream services. Open to everyone.")
    async def health(self, info: Info[GatewayContext, None]) -> Health:
        services = await asyncio.gather(
            *(_service_health(client) for client in info.context.upstreams.all())
        )
        ready = all(service.status is ReadinessStatus.READY for service in services)
        return Health(
            status=ReadinessStatus.READY if ready else ReadinessStatus.UNAVAILABLE,
            services=list(services),
        )


def build_schema(max_depth: int = 10, max_aliases: int = 15, max_tokens: int = 2000) -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        extensions=[
            QueryDepthLimiter(max_depth=max_depth),
            MaxAliasesLimiter(max_alias_count=max_aliases),
            MaxTokensLimiter(max_token_count=max_tokens),
            ParserCache(maxsize=256),
            ValidationCache(maxsize=256),
        ],
    )


schema = build_schema()
