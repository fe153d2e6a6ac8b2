"""Root query fields over the resources service: organisations, offers, holds and pledges.

Each list is what the resources service lets the caller read: staff of a need's platform subtree
(and civil affairs in region) see the holds and pledges serving its needs, an organisation's
staff the holds on its offers and its own pledges, an app the holds and pledges it made.
"""

import strawberry
from strawberry.types import Info

from gateway.auth import caller
from gateway.context import GatewayContext
from gateway.ids import from_global_id, local_id
from gateway.types.common import Connection, connection, keys_of
from gateway.types.resources import Hold, Offer, Organization, Pledge
from services.common.pagination import DEFAULT_PAGE_SIZE
from services.common.vocabulary import HoldState, ItemCategory, OfferKind, OrganizationKind

GInfo = Info[GatewayContext, None]
MAX_PAGE_SIZE = 100
# Apps read the holds and pledges of their own claims with the scope that made them.
CLAIMS_SCOPE = "wishes:claim"


def page_size(first: int) -> int:
    return max(1, min(first, MAX_PAGE_SIZE))


@strawberry.input
class OfferFilter:
    kind: OfferKind | None = None
    category: ItemCategory | None = None
    serves_region: str | None = strawberry.field(default=None, description="A need's region code the offer must cover")
    available_only: bool = False


@strawberry.input(description="Holds by the need they serve, the offer they hold from, or their state.")
class HoldFilter:
    need_id: strawberry.ID | None = strawberry.field(default=None, description="A Need global id")
    offer_id: strawberry.ID | None = strawberry.field(default=None, description="An Offer global id")
    state: HoldState | None = None


@strawberry.input(description="Pledges of one wish or of one donor organisation.")
class PledgeFilter:
    wish_id: strawberry.ID | None = strawberry.field(default=None, description="A PublicWish or Need global id")
    organization_id: strawberry.ID | None = strawberry.field(default=None, description="An Organization global id")


async def organizations(
    info: GInfo, first: int = DEFAULT_PAGE_SIZE, after: str | None = None, kind: OrganizationKind | None = None
) -> Connection[Organization] | None:
    """Verified organisations (and, for their own staff and admins, the rest)."""
    caller(info, scope="offers:read")
    page = await info.context.upstreams.resources.organizations.page(limit=page_size(first), cursor=after, kind=kind)
    return connection([Organization.from_model(m) for m in page.items], keys_of(page.items), page.next_cursor)


async def offers(
    info: GInfo, first: int = DEFAULT_PAGE_SIZE, after: str | None = None, filter: OfferFilter | None = None
) -> Connection[Offer] | None:
    """Offers by category, kind, the region they serve and availability."""
    caller(info, scope="offers:read")
    f = filter or OfferFilter()
    page = await info.context.upstreams.resources.offers.page(
        limit=page_size(first),
        cursor=after,
        kind=f.kind,
        category=f.category,
        region=f.serves_region,
        available=True if f.available_only else None,
    )
    return connection([Offer.from_model(m) for m in page.items], keys_of(page.items), page.next_cursor)


async def holds(
    info: GInfo, first: int = DEFAULT_PAGE_SIZE, after: str | None = None, filter: HoldFilter | None = None
) -> Connection[Hold] | None:
    """Holds you may see, newest first: what an organisation has promised and to which need
    (its staff), what is held for a station's needs (staff of its subtree), an app's own."""
    caller(info, scope=CLAIMS_SCOPE)
    f = filter or HoldFilter()
    page = await info.context.upstreams.resources.holds.page(
        limit=page_size(first),
        cursor=after,
        need_id=local_id(f.need_id, "Need") if f.need_id else None,
        offer_id=local_id(f.offer_id, "Offer") if f.offer_id else None,
        state=f.state,
    )
    return connection([Hold.from_model(m) for m in page.items], keys_of(page.items), page.next_cursor)


def _wish_key(wish_id: strawberry.ID) -> str:
    """A wish named by its PublicWish id (as apps know it) or its Need id (as staff do)."""
    type_name, _ = from_global_id(wish_id)
    return str(local_id(wish_id, "Need" if type_name == "Need" else "PublicWish"))


async def pledges(
    info: GInfo, first: int = DEFAULT_PAGE_SIZE, after: str | None = None, filter: PledgeFilter | None = None
) -> Connection[Pledge] | None:
    """Pledges you may see, newest first: a donor app its own (their state and when they lapse),
    an organisation those it made, staff those of their subtree's wishes."""
    caller(info, scope=CLAIMS_SCOPE)
    f = filter or PledgeFilter()
    page = await info.context.upstreams.resources.pledges.page(
        limit=page_size(first),
        cursor=after,
        need_id=_wish_key(f.wish_id) if f.wish_id else None,
        org_id=local_id(f.organization_id, "Organization") if f.organization_id else None,
    )
    return connection([Pledge.from_model(m) for m in page.items], keys_of(page.items), page.next_cursor)


@strawberry.type
class ResourcesQueryFields:
    """The query fields this module resolves (merged into the schema's root type)."""

    organizations = strawberry.field(resolver=organizations)
    offers = strawberry.field(resolver=offers)
    holds = strawberry.field(resolver=holds)
    pledges = strawberry.field(resolver=pledges)
