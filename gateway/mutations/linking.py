"""Linking needs to resources (through gateway/linking.py), one mutation per way a need is met:

- `matchOffer`: a station matches a need with an organisation's offer (stock or fund);
- `confirmClaim`: a station confirms the claim a donor made on a public wish;
- `assignVolunteer`: a station assigns a volunteer to a care need, with a visit schedule;
- `claimWish`: a donor (an app or organisation staff) claims a public wish;
- `recordFulfilment`: the station records that the need was met.

Each returns only members of its own union, one member per distinct outcome (docs/decisions.md,
"One mutation per way a need is met"); retried with the same key, each returns the same result.
"""

from decimal import Decimal
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from gateway import linking
from gateway.auth import caller
from gateway.context import GatewayContext
from gateway.errors import bad_input
from gateway.ids import from_global_id, local_id, to_global_id
from gateway.outcomes import outcome, union_members
from gateway.types.case import Need, PublicWish
from gateway.types.common import Conflict, InvalidInput, NotFound
from services.common.vocabulary import Role

GInfo = Info[GatewayContext, None]
STATION = frozenset({Role.CENTRE_STAFF, Role.STATION_STAFF, Role.COMMUNITY_WORKER})


@strawberry.type(description="The need is matched: the resource is held for it until the station records fulfilment.")
class MatchConfirmed:
    need: Need
    hold_id: strawberry.ID = strawberry.field(description="Global id of the hold (type Hold) that carries the match")


@strawberry.type(description="The care need is matched: the volunteer is assigned and sees the visit address.")
class VolunteerAssigned:
    need: Need
    assignment_id: strawberry.ID = strawberry.field(description="Global id of the care assignment (CareAssignment)")


@strawberry.interface(description="An expected refusal of a linking mutation: nothing was held or changed.")
class LinkingRefusal:
    code: str
    message: str
    message_zh: str


@strawberry.type(description="The need is no longer open: someone else matched or claimed it.")
class NeedAlreadyMatched(LinkingRefusal):
    pass


@strawberry.type(description="Not enough of the offer is left (stock or money), or the offer is not published.")
class OfferExhausted(LinkingRefusal):
    pass


@strawberry.type(description="More was asked than the need still lacks; ask for at most what it lacks.")
class ExceedsNeed(LinkingRefusal):
    pass


@strawberry.type(description="The need has no donor claim waiting for confirmation.")
class NothingToConfirm(LinkingRefusal):
    pass


@strawberry.type(description="The hold lapsed (expired or was released) before the match was committed: match again.")
class HoldLapsed(LinkingRefusal):
    pass


@strawberry.type(description="Only a care need is met by a volunteer, and a care need only by a volunteer.")
class WrongNeedKind(LinkingRefusal):
    pass


@strawberry.type(description="The volunteer cannot take this assignment (not verified, or it overlaps their visits).")
class VolunteerUnavailable(LinkingRefusal):
    pass


@strawberry.type(description="Only a matched need can be fulfilled.")
class NeedNotMatched(LinkingRefusal):
    pass


@strawberry.type(description="The wish is yours: it leaves the open feed while your pledge stands.")
class WishClaimed:
    wish: PublicWish
    pledge_id: strawberry.ID = strawberry.field(description="Global id of your pledge (type Pledge)")


@strawberry.type(description="Someone else claimed this wish first.")
class WishAlreadyClaimed(LinkingRefusal):
    pass


@strawberry.type(description="This wish cannot be claimed by a donor (a care need is met by a volunteer).")
class NotClaimable(LinkingRefusal):
    pass


@strawberry.type
class FulfilmentRecorded:
    need: Need


# linking.Refused code -> the member that stands for it
REFUSALS: dict[str, type[LinkingRefusal]] = {
    "NEED_NOT_OPEN": NeedAlreadyMatched,
    "OFFER_EXHAUSTED": OfferExhausted,
    "EXCEEDS_NEED": ExceedsNeed,
    "NOTHING_TO_CONFIRM": NothingToConfirm,
    "HOLD_EXPIRED": HoldLapsed,
    "HOLD_LAPSED": HoldLapsed,
    "NOT_A_CARE_NEED": WrongNeedKind,
    "VOLUNTEER_UNAVAILABLE": VolunteerUnavailable,
    "NEED_NOT_MATCHED": NeedNotMatched,
    "WISH_ALREADY_CLAIMED": WishAlreadyClaimed,
    "NOT_CLAIMABLE": NotClaimable,
}

MatchOfferResult = Annotated[
    MatchConfirmed
    | NeedAlreadyMatched
    | OfferExhausted
    | ExceedsNeed
    | HoldLapsed
    | WrongNeedKind
    | NotFound
    | InvalidInput
    | Conflict,
    strawberry.union("MatchOfferResult"),
]
ConfirmClaimResult = Annotated[
    MatchConfirmed | NothingToConfirm | HoldLapsed | NeedAlreadyMatched | NotFound | Conflict,
    strawberry.union("ConfirmClaimResult"),
]
AssignVolunteerResult = Annotated[
    VolunteerAssigned | VolunteerUnavailable | WrongNeedKind | NeedAlreadyMatched | NotFound | InvalidInput | Conflict,
    strawberry.union("AssignVolunteerResult"),
]
ClaimWishResult = Annotated[
    WishClaimed | WishAlreadyClaimed | NotClaimable | ExceedsNeed | OfferExhausted | NotFound | InvalidInput | Conflict,
    strawberry.union("ClaimWishResult"),
]
RecordFulfilmentResult = Annotated[
    FulfilmentRecorded | NeedNotMatched | HoldLapsed | Conflict | NotFound | InvalidInput,
    strawberry.union("RecordFulfilmentResult"),
]


def _refused(result: linking.Refused, allowed: Any) -> Any:
    """The member for a refusal of the saga; a code the union has no member for is a Conflict."""
    cls = REFUSALS.get(result.code)
    if cls is not None and cls in union_members(allowed):
        return cls(code=result.code, message=result.message, message_zh=result.message_zh)
    return Conflict(code=result.code, message=result.message, message_zh=result.message_zh)


def _key(idempotency_key: str) -> str:
    if not 1 <= len(idempotency_key) <= 200:
        raise bad_input("idempotencyKey must be 1 to 200 characters.", "幂等键长度须为 1 到 200。")
    return idempotency_key


def _hold_gid(hold: linking.Hold) -> strawberry.ID:
    return strawberry.ID(to_global_id("Hold", hold.id))


@strawberry.input(
    description="Match a need with an offer. Give `quantity` (goods) or `amount` (a fund) — or neither: "
    "what the need still lacks."
)
class MatchOfferInput:
    need_id: strawberry.ID
    offer_id: strawberry.ID
    idempotency_key: str = strawberry.field(description="The same key retried returns the same result (1–200 chars)")
    quantity: int | None = strawberry.field(default=None, description="Units of the offer, at most what the need lacks")
    amount: Decimal | None = strawberry.field(default=None, description="Yuan from a fund, at most what the need lacks")


async def match_offer(info: GInfo, input: MatchOfferInput) -> MatchOfferResult:
    """Match a need with an organisation's offer: try–confirm–cancel across services (the offer is
    held, the need reserved, then both committed). A crash at any point leaves nothing stuck."""
    caller(info, roles=STATION)
    key = _key(input.idempotency_key)
    if input.quantity is not None and input.amount is not None:
        raise bad_input("Give quantity or amount, not both.", "数量与金额只能提供一个。")
    context = info.context

    async def run() -> linking.Linked | linking.Refused:
        return await linking.confirm_match(
            context.upstreams,
            context.settings,
            str(local_id(input.need_id, "Need")),
            key,
            offer_id=str(local_id(input.offer_id, "Offer")),
            quantity=input.quantity,
            amount=str(input.amount) if input.amount is not None else None,
        )

    def shape(result: linking.Linked | linking.Refused) -> MatchOfferResult:
        if isinstance(result, linking.Refused):
            return _refused(result, MatchOfferResult)  # type: ignore[no-any-return]
        return MatchConfirmed(need=Need.from_model(result.need), hold_id=_hold_gid(result.hold))

    return await outcome(run, shape, MatchOfferResult)  # type: ignore[no-any-return]


async def confirm_claim(info: GInfo, need_id: strawberry.ID, idempotency_key: str) -> ConfirmClaimResult:
    """Confirm the claim a donor made on this need (the pledge's hold becomes the match)."""
    caller(info, roles=STATION)
    key = _key(idempotency_key)
    context = info.context

    async def run() -> linking.Linked | linking.Refused:
        return await linking.confirm_match(context.upstreams, context.settings, str(local_id(need_id, "Need")), key)

    def shape(result: linking.Linked | linking.Refused) -> ConfirmClaimResult:
        if isinstance(result, linking.Refused):
            return _refused(result, ConfirmClaimResult)  # type: ignore[no-any-return]
        return MatchConfirmed(need=Need.from_model(result.need), hold_id=_hold_gid(result.hold))

    return await outcome(run, shape, ConfirmClaimResult)  # type: ignore[no-any-return]


@strawberry.input(description="When a volunteer visits (weekly).")
class CareScheduleInput:
    weekday: int = strawberry.field(description="1 = Monday … 7 = Sunday")
    start: str = strawberry.field(description="HH:MM, Beijing time")
    duration_minutes: int


@strawberry.input(description="Assign a volunteer to a care need, visiting on a weekly schedule.")
class AssignVolunteerInput:
    need_id: strawberry.ID
    volunteer_id: strawberry.ID
    schedule: CareScheduleInput
    idempotency_key: str = strawberry.field(description="The same key retried returns the same result (1–200 chars)")


async def assign_volunteer(info: GInfo, input: AssignVolunteerInput) -> AssignVolunteerResult:
    """A care need met by a volunteer: the need is reserved, the care assignment made with the elder's
    visit address (shown to the volunteer only while assigned), then the need is matched."""
    caller(info, roles=STATION)
    key = _key(input.idempotency_key)
    context = info.context
    schedule = input.schedule

    async def run() -> linking.Assigned | linking.Refused:
        return await linking.confirm_care(
            context.upstreams,
            context.settings,
            str(local_id(input.need_id, "Need")),
            str(local_id(input.volunteer_id, "Volunteer")),
            key,
            {"weekday": schedule.weekday, "start": schedule.start, "duration_minutes": schedule.duration_minutes},
        )

    def shape(result: linking.Assigned | linking.Refused) -> AssignVolunteerResult:
        if isinstance(result, linking.Refused):
            return _refused(result, AssignVolunteerResult)  # type: ignore[no-any-return]
        return VolunteerAssigned(
            need=Need.from_model(result.need),
            assignment_id=strawberry.ID(to_global_id("CareAssignment", result.assignment.id)),
        )

    return await outcome(run, shape, AssignVolunteerResult)  # type: ignore[no-any-return]


@strawberry.input(description="Who gives: shown to the station, masked everywhere else.")
class DonorInput:
    name: str
    contact: str


async def claim_wish(
    info: GInfo,
    wish_id: strawberry.ID,
    donor: DonorInput,
    idempotency_key: str,
    quantity: int | None = None,
    amount: Decimal | None = None,
) -> ClaimWishResult:
    """A donor claims a public wish (apps with `wishes:claim`, organisation staff); of many donors
    claiming one wish at once exactly one succeeds, the others get WishAlreadyClaimed."""
    caller(info, scope="wishes:claim", roles=frozenset({Role.ORG_STAFF}))
    type_name, local = from_global_id(wish_id)
    if type_name not in ("PublicWish", "Need"):
        raise bad_input("wishId must be a PublicWish id.", "wishId 须为公开心愿编号。")
    key = _key(idempotency_key)
    context = info.context

    async def run() -> linking.Claimed | linking.Refused:
        return await linking.claim_wish(
            context.upstreams,
            context.settings,
            str(local),
            key,
            donor.name,
            donor.contact,
            quantity=quantity,
            amount=str(amount) if amount is not None else None,
        )

    def shape(result: linking.Claimed | linking.Refused) -> ClaimWishResult:
        if isinstance(result, linking.Refused):
            return _refused(result, ClaimWishResult)  # type: ignore[no-any-return]
        return WishClaimed(
            wish=PublicWish.from_model(result.wish), pledge_id=strawberry.ID(to_global_id("Pledge", result.pledge.id))
        )

    return await outcome(run, shape, ClaimWishResult)  # type: ignore[no-any-return]


async def record_fulfilment(
    info: GInfo, need_id: strawberry.ID, proof_note: str, proof_photo_url: str | None = None, feedback: str = ""
) -> RecordFulfilmentResult:
    """The station records that the need was met: the resource is delivered (a fund pays out through
    its ledger), the need is fulfilled, and donors can read the proof and the thanks."""
    caller(info, roles=STATION)
    upstreams = info.context.upstreams

    async def run() -> linking.Need | linking.Refused:
        return await linking.record_fulfilment(
            upstreams, str(local_id(need_id, "Need")), proof_note, proof_photo_url, feedback
        )

    def shape(result: linking.Need | linking.Refused) -> RecordFulfilmentResult:
        if isinstance(result, linking.Refused):
            return _refused(result, RecordFulfilmentResult)  # type: ignore[no-any-return]
        return FulfilmentRecorded(need=Need.from_model(result))

    return await outcome(run, shape, RecordFulfilmentResult)  # type: ignore[no-any-return]


@strawberry.type
class LinkingMutationFields:
    """The mutations this module resolves (merged into the schema's root type)."""

    match_offer = strawberry.mutation(resolver=match_offer)
    confirm_claim = strawberry.mutation(resolver=confirm_claim)
    assign_volunteer = strawberry.mutation(resolver=assign_volunteer)
    claim_wish = strawberry.mutation(resolver=claim_wish)
    record_fulfilment = strawberry.mutation(resolver=record_fulfilment)
