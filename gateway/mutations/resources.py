"""Mutations over the resources service: organisations, offers, ledger corrections, pledges.

Each returns only members of its own union (gateway/outcomes.py): a refusal a client acts on
differently has a member of its own (`CreditCodeTaken`, `OrganizationNotVerified`,
`AlreadyReversed`, `NotReversible`, `InsufficientFunds`, `PledgeConfirmed`); other refusals take
the generic member for their status.
"""

import datetime as dt
import logging
from decimal import Decimal
from typing import Annotated, Self

import strawberry
from strawberry.types import Info

from gateway.auth import caller
from gateway.clients.base import UpstreamError, UpstreamUnavailable
from gateway.context import GatewayContext
from gateway.ids import local_id
from gateway.mutations.inputs import body_of
from gateway.outcomes import messages, outcome, refusal_for
from gateway.types.common import Conflict, InvalidInput, NotFound
from gateway.types.resources import FundPurpose, LedgerEntry, Offer, Organization, Pledge, gid
from services.common.vocabulary import HoldState, ItemCategory, OfferKind, OrganizationKind, Role
from services.resources import contract as c

GInfo = Info[GatewayContext, None]
logger = logging.getLogger("wushe.gateway.resources")
ADMINS = frozenset({Role.CIVIL_AFFAIRS_ADMIN})
ORG_STAFF = frozenset({Role.ORG_STAFF})


@strawberry.type
class OrganizationRegistered:
    organization: Organization


@strawberry.type(description="The organisation is verified: its offers may be published.")
class OrganizationVerified:
    organization: Organization


@strawberry.type(description="The organisation's registration is refused.")
class OrganizationRejected:
    organization: Organization


@strawberry.type
class OfferSaved:
    offer: Offer


@refusal_for("DUPLICATE_CREDIT_CODE")
@strawberry.type(description="An organisation with this unified social credit code is already registered.")
class CreditCodeTaken:
    message: str
    message_zh: str


@refusal_for("ORGANIZATION_NOT_VERIFIED")
@strawberry.type(description="Only a verified organisation may publish offers: ask civil affairs to verify it.")
class OrganizationNotVerified:
    message: str
    message_zh: str


RegisterOrganizationResult = Annotated[
    OrganizationRegistered | CreditCodeTaken | InvalidInput | Conflict, strawberry.union("RegisterOrganizationResult")
]
VerifyOrganizationResult = Annotated[
    OrganizationVerified | NotFound | Conflict, strawberry.union("VerifyOrganizationResult")
]
RejectOrganizationResult = Annotated[
    OrganizationRejected | NotFound | Conflict, strawberry.union("RejectOrganizationResult")
]
CreateOfferResult = Annotated[OfferSaved | InvalidInput | Conflict, strawberry.union("CreateOfferResult")]
PublishOfferResult = Annotated[
    OfferSaved | OrganizationNotVerified | NotFound | Conflict, strawberry.union("PublishOfferResult")
]
PauseOfferResult = Annotated[OfferSaved | NotFound | Conflict, strawberry.union("PauseOfferResult")]


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
    purposes: list[FundPurpose] = strawberry.field(default_factory=list)
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
    caller(info, roles=ADMINS)
    organizations = info.context.upstreams.resources.organizations
    return await outcome(
        lambda: organizations.register(body_of(input), idempotency_key=idempotency_key),
        lambda m: OrganizationRegistered(organization=Organization.from_model(m)),
        RegisterOrganizationResult,
    )


async def verify_organization(info: GInfo, organization_id: strawberry.ID) -> VerifyOrganizationResult:
    """Mark an organisation verified (civil-affairs admins), so its offers can be published."""
    caller(info, roles=ADMINS)
    organizations = info.context.upstreams.resources.organizations
    org_id = local_id(organization_id, "Organization")
    return await outcome(
        lambda: organizations.verify(org_id),
        lambda m: OrganizationVerified(organization=Organization.from_model(m)),
        VerifyOrganizationResult,
    )


async def reject_organization(info: GInfo, organization_id: strawberry.ID) -> RejectOrganizationResult:
    """Refuse an organisation's registration (civil-affairs admins)."""
    caller(info, roles=ADMINS)
    organizations = info.context.upstreams.resources.organizations
    org_id = local_id(organization_id, "Organization")
    return await outcome(
        lambda: organizations.reject(org_id),
        lambda m: OrganizationRejected(organization=Organization.from_model(m)),
        RejectOrganizationResult,
    )


def _offer_saved(m: c.Offer) -> OfferSaved:
    return OfferSaved(offer=Offer.from_model(m))


async def create_offer(info: GInfo, input: CreateOfferInput, idempotency_key: str | None = None) -> CreateOfferResult:
    """Draft an offer of goods, a fund, services or a venue for your organisation."""
    caller(info, scope="offers:write", roles=ORG_STAFF)
    offers = info.context.upstreams.resources.offers
    body = body_of(input)
    return await outcome(lambda: offers.create(body, idempotency_key=idempotency_key), _offer_saved, CreateOfferResult)


async def publish_offer(info: GInfo, offer_id: strawberry.ID) -> PublishOfferResult:
    """Publish a drafted (or paused) offer so stations and the matching engine can use it."""
    caller(info, scope="offers:write", roles=ORG_STAFF)
    offers = info.context.upstreams.resources.offers
    key = local_id(offer_id, "Offer")
    return await outcome(lambda: offers.publish(key), _offer_saved, PublishOfferResult)


async def pause_offer(info: GInfo, offer_id: strawberry.ID) -> PauseOfferResult:
    """Take a published offer out of matching for a while (publish it again to resume)."""
    caller(info, scope="offers:write", roles=ORG_STAFF)
    offers = info.context.upstreams.resources.offers
    key = local_id(offer_id, "Offer")
    return await outcome(lambda: offers.pause(key), _offer_saved, PauseOfferResult)


@strawberry.type(description="A correcting entry booked: the opposite amount of the entry it names.")
class LedgerEntryReversed:
    entry_id: strawberry.ID = strawberry.field(description="The reversal (a LedgerEntry global id)")
    reverses_id: strawberry.ID = strawberry.field(description="The entry it corrects")
    amount: Decimal
    reference: str
    at: dt.datetime
    entry: LedgerEntry

    @classmethod
    def from_model(cls, m: c.LedgerEntry) -> Self:
        entry = LedgerEntry.from_model(m)
        assert entry.reverses_id is not None  # a reversal names what it reverses
        return cls(
            entry_id=entry.id,
            reverses_id=entry.reverses_id,
            amount=m.amount,
            reference=m.reference,
            at=m.created_at,
            entry=entry,
        )


@refusal_for("ALREADY_REVERSED")
@strawberry.type(description="The entry is already reversed; an entry is reversed once.")
class AlreadyReversed:
    message: str
    message_zh: str
    reversal_id: strawberry.ID | None = strawberry.field(default=None, description="The reversal that stands")

    @classmethod
    def from_refusal(cls, exc: UpstreamError) -> Self:
        message, message_zh = messages(exc)
        reversal = exc.problem.get("reversal_id")
        return cls(
            message=message, message_zh=message_zh, reversal_id=gid("LedgerEntry", reversal) if reversal else None
        )


@refusal_for("NOT_REVERSIBLE")
@strawberry.type(
    description="A reversal is not reversed (book the entry again), and a hold's payment is undone by "
    "releasing the hold."
)
class NotReversible:
    message: str
    message_zh: str


@refusal_for("OVER_ALLOCATED")
@strawberry.type(description="The fund no longer has that much available (the money is held or spent).")
class InsufficientFunds:
    message: str
    message_zh: str
    available: Decimal | None = None

    @classmethod
    def from_refusal(cls, exc: UpstreamError) -> Self:
        message, message_zh = messages(exc)
        available = exc.problem.get("available")
        return cls(message=message, message_zh=message_zh, available=Decimal(str(available)) if available else None)


ReverseLedgerEntryResult = Annotated[
    LedgerEntryReversed | AlreadyReversed | NotReversible | InsufficientFunds | InvalidInput | NotFound,
    strawberry.union("ReverseLedgerEntryResult"),
]


async def reverse_ledger_entry(
    info: GInfo, fund_id: strawberry.ID, entry_id: strawberry.ID, reason: str, idempotency_key: str | None = None
) -> ReverseLedgerEntryResult:
    """Correct a fund's books by a reversing entry, never an edit: an entry is reversed once
    (`AlreadyReversed`), a reversal or a hold's payment not at all (`NotReversible`)."""
    caller(info, roles=ORG_STAFF)
    funds = info.context.upstreams.resources.funds
    fund, entry = local_id(fund_id, "Offer"), local_id(entry_id, "LedgerEntry")
    return await outcome(
        lambda: funds.reverse(fund, entry, {"reason": reason}, idempotency_key=idempotency_key),
        LedgerEntryReversed.from_model,
        ReverseLedgerEntryResult,
    )


@strawberry.type(description="The pledge is withdrawn: its hold released, the wish open again for others.")
class PledgeWithdrawn:
    pledge: Pledge


@refusal_for("PLEDGE_CONFIRMED")
@strawberry.type(description="The station has confirmed this pledge: ask the station to undo the match.")
class PledgeConfirmed:
    message: str
    message_zh: str


WithdrawPledgeResult = Annotated[PledgeWithdrawn | PledgeConfirmed | NotFound, strawberry.union("WithdrawPledgeResult")]


async def withdraw_pledge(info: GInfo, pledge_id: strawberry.ID) -> WithdrawPledgeResult:
    """A donor (the app that pledged, or the donor organisation's staff) takes back a pledge the
    station has not confirmed; a lapsed or withdrawn one answers as it stands."""
    caller(info, scope="wishes:claim", roles=ORG_STAFF)
    upstreams = info.context.upstreams
    key = local_id(pledge_id, "Pledge")
    result = await outcome(
        lambda: upstreams.resources.pledges.withdraw(key),
        lambda m: m,
        WithdrawPledgeResult,
    )
    if not isinstance(result, c.Pledge):
        return result
    if result.hold_state in (HoldState.RELEASED.value, HoldState.EXPIRED.value):
        await _release_claim(info, result)
    return PledgeWithdrawn(pledge=Pledge.from_model(result))


async def _release_claim(info: GInfo, pledge: c.Pledge) -> None:
    """Open the wish again now rather than at the case reconciler's next pass (which opens a wish
    whose hold was released anyway): so a failure here is logged, not the caller's."""
    try:
        await info.context.upstreams.case.public_wishes.release(pledge.need_id, f"hold:{pledge.hold_id}")
    except (UpstreamError, UpstreamUnavailable) as exc:
        logger.info("wish %s not released at once (%s); the reconciler will", pledge.need_id, type(exc).__name__)


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
    withdraw_pledge = strawberry.mutation(resolver=withdraw_pledge)
