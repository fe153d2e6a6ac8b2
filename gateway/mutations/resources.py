"""Mutations over the resources service."""

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry.types import Info

from gateway.auth import caller
from gateway.context import GatewayContext
from gateway.errors import bad_input
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


@strawberry.type(description="A correcting entry booked: the opposite amount of the entry it names.")
class LedgerEntryReversed:
    entry_id: strawberry.ID
    reverses_id: strawberry.ID
    amount: Decimal
    reference: str
    at: dt.datetime


ReverseLedgerEntryResult = Annotated[
    LedgerEntryReversed | InvalidInput | NotFound | Conflict, strawberry.union("ReverseLedgerEntryResult")
]


async def reverse_ledger_entry(
    info: GInfo, fund_id: strawberry.ID, entry_id: strawberry.ID, reason: str, idempotency_key: str | None = None
) -> ReverseLedgerEntryResult:
    """Correct a fund's books by a reversing entry, never an edit; an entry is reversed once
    (again: Conflict ALREADY_REVERSED), a reversal or a hold's payment not at all (NOT_REVERSIBLE)."""
    caller(info, roles=frozenset({Role.ORG_STAFF}))
    client = info.context.upstreams.resources
    path = f"/v1/funds/{local_id(fund_id, 'Offer')}/entries/{_entry_uuid(entry_id)}/reverse"
    return await outcome(
        lambda: client.post(path, {"reason": reason}, headers=idempotency_headers(idempotency_key)),
        lambda r: LedgerEntryReversed(
            entry_id=strawberry.ID(str(r["id"])),
            reverses_id=strawberry.ID(str(r["reverses_id"])),
            amount=Decimal(r["amount"]),
            reference=r["reference"],
            at=dt.datetime.fromisoformat(r["created_at"]),
        ),
    )


def _entry_uuid(entry_id: str) -> uuid.UUID:
    try:
        return uuid.UUID(entry_id)
    except ValueError:
        raise bad_input("entryId is the id of a ledger entry.", "台账记录编号格式错误。") from None


@strawberry.type
class ResourcesMutationFields:
    """The mutations this module resolves (merged into the schema's root type)."""

    register_organization = strawberry.mutation(resolver=register_organization)
    verify_organization = strawberry.mutation(resolver=verify_organization)
    create_offer = strawberry.mutation(resolver=create_offer)
    publish_offer = strawberry.mutation(resolver=publish_offer)
    reverse_ledger_entry = strawberry.mutation(resolver=reverse_ledger_entry)
    pause_offer = strawberry.mutation(resolver=pause_offer)
    reject_organization = strawberry.mutation(resolver=reject_organization)
