"""Mutations over the resources service."""

import datetime as dt
from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry.types import Info

from gateway.auth import caller
from gateway.context import GatewayContext
from gateway.ids import local_id
from gateway.mutations.inputs import body_of, idempotency_headers
from gateway.outcomes import outcome
from gateway.types.common import Conflict, InvalidInput, ItemCategory, NotFound
from gateway.types.resources import Offer, OfferKind, Organization, OrganizationKind
from services.common.vocabulary import Role

GInfo = Info[GatewayContext, None]


@strawberry.type
class OrganizationRegistered:
    organization: Organization


@strawberry.type
class OfferSaved:
    offer: Offer


RegisterOrganizationResult = Annotated[
    OrganizationRegistered | InvalidInput | Conflict, strawberry.union("RegisterOrganizationResult")
]
OfferResult = Annotated[OfferSaved | InvalidInput | NotFound | Conflict, strawberry.union("OfferResult")]


@strawberry.input
class RegisterOrganizationInput:
    kind: OrganizationKind
    name: str
    contact_name: str
    contact_phone: str
    service_regions: list[str]
    credit_code: str | None = None


@strawberry.input
class FundRestrictionsInput:
    purposes: list[str] = strawberry.field(default_factory=list)
    region_prefixes: list[str] = strawberry.field(default_factory=list)
    cap_per_need: Decimal | None = None


@strawberry.input
class CreateOfferInput:
    kind: OfferKind
    title: str
    region_prefix: str
    description: str = ""
    category: ItemCategory | None = None
    quantity: int | None = None
    amount: Decimal | None = None
    valid_from: dt.datetime | None = None
    valid_until: dt.datetime | None = None
    restrictions: FundRestrictionsInput | None = None


async def register_organization(
    info: GInfo, input: RegisterOrganizationInput, idempotency_key: str | None = None
) -> RegisterOrganizationResult:
    """Register an organisation (civil-affairs admins); it starts pending verification."""
    caller(info, roles=frozenset({Role.CIVIL_AFFAIRS_ADMIN}))
    client = info.context.upstreams.resources
    return await outcome(
        lambda: client.post("/v1/organizations", body_of(input), headers=idempotency_headers(idempotency_key)),
        lambda r: OrganizationRegistered(organization=Organization.from_record(r)),
    )


async def create_offer(info: GInfo, input: CreateOfferInput, idempotency_key: str | None = None) -> OfferResult:
    """Draft an offer of goods, a fund, services or a venue for your organisation."""
    caller(info, scope="offers:write", roles=frozenset({Role.ORG_STAFF}))
    body = body_of(input)
    client = info.context.upstreams.resources
    return await outcome(
        lambda: client.post("/v1/offers", body, headers=idempotency_headers(idempotency_key)),
        lambda r: OfferSaved(offer=Offer.from_record(r)),
    )


async def publish_offer(info: GInfo, offer_id: strawberry.ID) -> OfferResult:
    """Publish a drafted offer so stations and the matching engine can use it."""
    caller(info, scope="offers:write", roles=frozenset({Role.ORG_STAFF}))
    client = info.context.upstreams.resources
    path = f"/v1/offers/{local_id(offer_id, 'Offer')}/publish"
    return await outcome(lambda: client.post(path), lambda r: OfferSaved(offer=Offer.from_record(r)))


async def verify_organization(info: GInfo, organization_id: strawberry.ID) -> RegisterOrganizationResult:
    """Mark an organisation verified (civil-affairs admins), so its offers can be published."""
    caller(info, roles=frozenset({Role.CIVIL_AFFAIRS_ADMIN}))
    client = info.context.upstreams.resources
    path = f"/v1/organizations/{local_id(organization_id, 'Organization')}/verify"
    return await outcome(
        lambda: client.post(path), lambda r: OrganizationRegistered(organization=Organization.from_record(r))
    )


async def pause_offer(info: GInfo, offer_id: strawberry.ID) -> OfferResult:
    """Take a published offer out of matching for a while (publish it again to resume)."""
    caller(info, scope="offers:write", roles=frozenset({Role.ORG_STAFF}))
    client = info.context.upstreams.resources
    path = f"/v1/offers/{local_id(offer_id, 'Offer')}/pause"
    return await outcome(lambda: client.post(path), lambda r: OfferSaved(offer=Offer.from_record(r)))


async def reject_organization(info: GInfo, organization_id: strawberry.ID) -> RegisterOrganizationResult:
    """Refuse an organisation's registration (civil-affairs admins)."""
    caller(info, roles=frozenset({Role.CIVIL_AFFAIRS_ADMIN}))
    client = info.context.upstreams.resources
    path = f"/v1/organizations/{local_id(organization_id, 'Organization')}/reject"
    return await outcome(
        lambda: client.post(path), lambda r: OrganizationRegistered(organization=Organization.from_record(r))
    )
