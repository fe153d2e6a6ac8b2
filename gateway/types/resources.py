"""GraphQL types of the resources service: organisations, offers, holds, pledges and fund ledgers.

Each type is built from the resources service's contract model (`from_model`), whoever read it:
a typed client, or the DataLoaders of gateway/loaders.py behind related fields and `node()`."""

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from decimal import Decimal
from typing import Any, Self, TypeVar

import strawberry
from strawberry.types import Info

from gateway.ids import to_global_id
from gateway.types.common import Node
from services.common.vocabulary import HoldState, ItemCategory, NeedKind, OfferKind, OrganizationKind, Vocabulary
from services.resources import contract as c
from services.resources.contract import LedgerEntryKind, OfferStatus, VerificationStatus

T = TypeVar("T")

# The vocabulary's enums are GraphQL enums; annotating with the classes keeps mypy reading them.
strawberry.enum(OrganizationKind)
strawberry.enum(OfferKind)
strawberry.enum(HoldState)
strawberry.enum(OfferStatus)
strawberry.enum(VerificationStatus)
strawberry.enum(LedgerEntryKind)


@strawberry.enum(description="What a fund's money is for: an item category or a need kind.")
class FundPurpose(Vocabulary):
    SCHOOL_SUPPLIES = ItemCategory.SCHOOL_SUPPLIES.value, ItemCategory.SCHOOL_SUPPLIES.label
    BOOKS = ItemCategory.BOOKS.value, ItemCategory.BOOKS.label
    CLOTHING = ItemCategory.CLOTHING.value, ItemCategory.CLOTHING.label
    BEDDING = ItemCategory.BEDDING.value, ItemCategory.BEDDING.label
    FOOD = ItemCategory.FOOD.value, ItemCategory.FOOD.label
    SMALL_APPLIANCE = ItemCategory.SMALL_APPLIANCE.value, ItemCategory.SMALL_APPLIANCE.label
    MOBILITY_AID = ItemCategory.MOBILITY_AID.value, ItemCategory.MOBILITY_AID.label
    MEDICAL_SUPPLY = ItemCategory.MEDICAL_SUPPLY.value, ItemCategory.MEDICAL_SUPPLY.label
    DAILY_NECESSITIES = ItemCategory.DAILY_NECESSITIES.value, ItemCategory.DAILY_NECESSITIES.label
    OTHER = ItemCategory.OTHER.value, ItemCategory.OTHER.label
    MICRO_WISH = NeedKind.MICRO_WISH.value, NeedKind.MICRO_WISH.label
    CARE = NeedKind.CARE.value, NeedKind.CARE.label
    FUNDING = NeedKind.FUNDING.value, NeedKind.FUNDING.label


def purpose_of(code: str | None) -> FundPurpose | None:
    return FundPurpose(code) if code else None


def gid(type_name: str, local: uuid.UUID | str) -> strawberry.ID:
    return strawberry.ID(to_global_id(type_name, local))


def _maybe_gid(type_name: str, local: uuid.UUID | None) -> strawberry.ID | None:
    return gid(type_name, local) if local is not None else None


def related(info: Info, loader: str, key: uuid.UUID | str | None, build: Callable[[Any], T]) -> Awaitable[T | None]:
    """A record of another type by its id, through the request's DataLoader (None: unreadable)."""

    async def load() -> T | None:
        if key is None:
            return None
        record = await info.context.loaders.selecting(loader, None).load(str(key))
        return build(record) if record is not None else None

    return load()


@strawberry.type(description="A charity, community foundation, enterprise, social organisation or donor.")
class Organization(Node):
    kind: OrganizationKind
    name: str
    credit_code: str | None
    contact_name: str
    contact_phone: str
    service_regions: list[str]
    verification_status: VerificationStatus
    version: int
    created_at: datetime

    @classmethod
    def from_model(cls, m: c.Organization) -> Self:
        return cls(
            id=gid("Organization", m.id),
            kind=m.kind,
            name=m.name,
            credit_code=m.credit_code,
            contact_name=m.contact_name,
            contact_phone=m.contact_phone,
            service_regions=m.service_regions,
            verification_status=VerificationStatus(m.verification_status),
            version=m.version,
            created_at=m.created_at,
        )


@strawberry.type(description="How much of an offer is left: units for goods and services, yuan for funds.")
class Availability:
    total: Decimal
    held: Decimal
    delivered: Decimal
    available: Decimal
    balance: Decimal | None = None


@strawberry.type
class FundRestrictions:
    purposes: list[FundPurpose]
    region_prefixes: list[str]
    cap_per_need: Decimal | None


def _availability(m: c.Offer) -> Availability:
    if m.money is not None:
        f = m.money
        return Availability(total=f.total, held=f.held, delivered=f.delivered, available=f.available, balance=f.balance)
    u = m.units or c.UnitFigures(total=0, held=0, delivered=0, available=0)
    return Availability(
        total=Decimal(u.total), held=Decimal(u.held), delivered=Decimal(u.delivered), available=Decimal(u.available)
    )


@strawberry.type(description="A resource an organisation offers: goods, a fund, professional services or a venue.")
class Offer(Node):
    kind: OfferKind
    category: ItemCategory | None
    title: str
    description: str
    region_prefix: str
    valid_from: datetime | None
    valid_until: datetime | None
    status: OfferStatus
    availability: Availability
    restrictions: FundRestrictions | None
    version: int
    created_at: datetime
    org_id: strawberry.Private[uuid.UUID]

    @classmethod
    def from_model(cls, m: c.Offer) -> Self:
        r = m.restrictions
        return cls(
            id=gid("Offer", m.id),
            kind=m.kind,
            category=m.category,
            title=m.title,
            description=m.description,
            region_prefix=m.region_prefix,
            valid_from=m.valid_from,
            valid_until=m.valid_until,
            status=OfferStatus(m.status),
            availability=_availability(m),
            restrictions=FundRestrictions(
                purposes=[FundPurpose(p) for p in r.purposes],
                region_prefixes=list(r.region_prefixes),
                cap_per_need=r.cap_per_need,
            )
            if r is not None
            else None,
            version=m.version,
            created_at=m.created_at,
            org_id=m.org_id,
        )

    @strawberry.field
    async def organization(self, info: Info) -> Organization | None:
        return await related(info, "organizations", self.org_id, Organization.from_model)


@strawberry.type(
    description="A hold (预留): part of an offer reserved for a need until it expires, then committed, "
    "delivered, released or expired. What a charity owes, and to whom."
)
class Hold(Node):
    need_id: strawberry.ID = strawberry.field(description="The need it serves (a Need global id)")
    need_title: str = strawberry.field(description="The need's public title")
    need_region: str
    quantity: int | None = strawberry.field(description="Units, for every kind but funds")
    amount: Decimal | None = strawberry.field(description="Yuan, for funds")
    purpose: FundPurpose | None
    state: HoldState
    expires_at: datetime = strawberry.field(description="A held hold lapses then unless committed")
    version: int
    created_at: datetime
    offer_id: strawberry.Private[uuid.UUID]

    @classmethod
    def from_model(cls, m: c.Hold) -> Self:
        return cls(
            id=gid("Hold", m.id),
            need_id=gid("Need", m.need_id),
            need_title=m.need_title,
            need_region=m.need_region,
            quantity=m.quantity,
            amount=m.amount,
            purpose=purpose_of(m.purpose),
            state=HoldState(m.state),
            expires_at=m.expires_at,
            version=m.version,
            created_at=m.created_at,
            offer_id=m.offer_id,
        )

    @strawberry.field(description="The offer held from, if you may read it")
    async def offer(self, info: Info) -> Offer | None:
        return await related(info, "offers", self.offer_id, Offer.from_model)


@strawberry.type(
    description="A donor's pledge (认领) of a public wish: a donation offer and a hold on it, standing "
    "until the station confirms it or it lapses at `expiresAt`."
)
class Pledge(Node):
    wish_id: strawberry.ID = strawberry.field(description="The wish pledged (a PublicWish global id)")
    need_id: strawberry.ID = strawberry.field(description="The same need, as staff read it (a Need global id)")
    need_region: str = strawberry.field(description="The wish's full region for staff; its county for others")
    hold_id: strawberry.ID
    hold_state: HoldState = strawberry.field(
        description="HELD: waiting for the station; COMMITTED/DELIVERED: confirmed; RELEASED: withdrawn "
        "or lost; EXPIRED: lapsed"
    )
    expires_at: datetime | None = strawberry.field(description="When the pledge lapses unless confirmed")
    category: ItemCategory | None
    quantity: int | None
    amount: Decimal | None
    donor_name: str = strawberry.field(description="Masked unless you may see it")
    donor_contact: str = strawberry.field(description="Masked unless you may see it")
    created_at: datetime
    offer_id: strawberry.Private[uuid.UUID]
    org_id: strawberry.Private[uuid.UUID]
    hold_key: strawberry.Private[uuid.UUID]

    @classmethod
    def from_model(cls, m: c.Pledge) -> Self:
        return cls(
            id=gid("Pledge", m.id),
            wish_id=gid("PublicWish", m.need_id),
            need_id=gid("Need", m.need_id),
            need_region=m.need_region,
            hold_id=gid("Hold", m.hold_id),
            hold_state=HoldState(m.hold_state),
            expires_at=m.expires_at,
            category=m.category,
            quantity=m.quantity,
            amount=m.amount,
            donor_name=m.donor_name,
            donor_contact=m.donor_contact,
            created_at=m.created_at,
            offer_id=m.offer_id,
            org_id=m.org_id,
            hold_key=m.hold_id,
        )

    @strawberry.field(description="The donation offer the pledge made, if you may read it")
    async def offer(self, info: Info) -> Offer | None:
        return await related(info, "offers", self.offer_id, Offer.from_model)

    @strawberry.field(description="The hold that reserves the gift for the wish, if you may read it")
    async def hold(self, info: Info) -> Hold | None:
        return await related(info, "holds", self.hold_key, Hold.from_model)


@strawberry.type(description="One entry of a fund's ledger (资金台账): signed, never edited, corrected by a reversal.")
class LedgerEntry(Node):
    fund_id: strawberry.ID = strawberry.field(description="The fund (an Offer global id)")
    kind: LedgerEntryKind
    amount: Decimal = strawberry.field(description="Signed: money in is positive, money out negative")
    need_id: strawberry.ID | None = strawberry.field(description="The need a disbursement paid (a Need global id)")
    hold_id: strawberry.ID | None = strawberry.field(description="The hold whose delivery paid it out")
    purpose: FundPurpose | None
    donor_name: str | None = strawberry.field(description="Individual donors masked unless it is your fund")
    reference: str
    receipt_number: str | None = strawberry.field(description="收据编号 of a donation, e.g. 2026-000123")
    reverses_id: strawberry.ID | None = strawberry.field(description="The entry this reversal corrects")
    reversed_by_id: strawberry.ID | None = strawberry.field(description="The reversal that corrected this entry")
    created_at: datetime
    fund_key: strawberry.Private[uuid.UUID]

    @classmethod
    def from_model(cls, m: c.LedgerEntry) -> Self:
        return cls(
            id=gid("LedgerEntry", m.id),
            fund_id=gid("Offer", m.fund_id),
            kind=LedgerEntryKind(m.kind),
            amount=m.amount,
            need_id=_maybe_gid("Need", m.need_id),
            hold_id=_maybe_gid("Hold", m.hold_id),
            purpose=purpose_of(m.purpose),
            donor_name=m.donor_name,
            reference=m.reference,
            receipt_number=m.receipt_number,
            reverses_id=_maybe_gid("LedgerEntry", m.reverses_id),
            reversed_by_id=_maybe_gid("LedgerEntry", m.reversed_by_id),
            created_at=m.created_at,
            fund_key=m.fund_id,
        )

    @strawberry.field(description="The fund, if you may read it")
    async def fund(self, info: Info) -> Offer | None:
        return await related(info, "offers", self.fund_key, Offer.from_model)


# Global id type name -> (loader name, how a record becomes the GraphQL type), for `node(id:)`.
# A fund is an Offer of kind FUND: its node is the Offer.
NODES: dict[str, tuple[str, Any]] = {
    "Organization": ("organizations", Organization.from_model),
    "Offer": ("offers", Offer.from_model),
    "Hold": ("holds", Hold.from_model),
    "Pledge": ("pledges", Pledge.from_model),
    "LedgerEntry": ("ledger_entries", LedgerEntry.from_model),
}
