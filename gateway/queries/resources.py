"""Root query fields over the resources service."""

import strawberry
from strawberry.types import Info

from gateway.auth import caller
from gateway.context import GatewayContext
from gateway.queries.case import page_size
from gateway.types.common import Connection, ItemCategory, connection
from gateway.types.resources import Offer, OfferKind, Organization, OrganizationKind
from services.common.pagination import DEFAULT_PAGE_SIZE

GInfo = Info[GatewayContext, None]


@strawberry.input
class OfferFilter:
    kind: OfferKind | None = None
    category: ItemCategory | None = None
    serves_region: str | None = strawberry.field(default=None, description="A need's region code the offer must cover")
    available_only: bool = False


async def organizations(
    info: GInfo, first: int = DEFAULT_PAGE_SIZE, after: str | None = None, kind: OrganizationKind | None = None
) -> Connection[Organization] | None:
    """Verified organisations (and, for their own staff and admins, the rest)."""
    caller(info, scope="offers:read")
    page = await info.context.upstreams.resources.page("organizations", limit=page_size(first), cursor=after, kind=kind)
    records = page["items"]
    return connection([Organization.from_record(r) for r in records], records, page["next_cursor"])


async def offers(
    info: GInfo, first: int = DEFAULT_PAGE_SIZE, after: str | None = None, filter: OfferFilter | None = None
) -> Connection[Offer] | None:
    """Offers by category, kind, the region they serve and availability."""
    caller(info, scope="offers:read")
    f = filter or OfferFilter()
    page = await info.context.upstreams.resources.page(
        "offers",
        limit=page_size(first),
        cursor=after,
        kind=f.kind,
        category=f.category,
        region=f.serves_region,
        available=True if f.available_only else None,
    )
    records = page["items"]
    return connection([Offer.from_record(r) for r in records], records, page["next_cursor"])


@strawberry.type
class ResourcesQueryFields:
    """The query fields this module resolves (merged into the schema's root type)."""

    organizations = strawberry.field(resolver=organizations)
    offers = strawberry.field(resolver=offers)
