"""confirmMatch, claimWish, recordFulfilment: linking needs to resources through gateway/linking.py."""

from typing import Annotated

import strawberry
from strawberry.types import Info

from gateway import linking
from gateway.auth import caller
from gateway.context import GatewayContext
from gateway.errors import bad_input
from gateway.ids import from_global_id, local_id
from gateway.outcomes import outcome
from gateway.types.case import Need, PublicWish
from gateway.types.common import Conflict, InvalidInput, NotFound
from services.common.vocabulary import Role

GInfo = Info[GatewayContext, None]
STATION = frozenset({Role.CENTRE_STAFF, Role.STATION_STAFF, Role.COMMUNITY_WORKER})


@strawberry.type(description="The need is matched: the resource committed to it, or the volunteer assigned.")
class MatchConfirmed:
    need: Need
    hold_id: strawberry.ID | None = None
    assignment_id: strawberry.ID | None = None


@strawberry.type(description="The need is no longer open (someone else matched or claimed it).")
class NeedAlreadyMatched:
    message: str
    message_zh: str


@strawberry.type(description="Not enough of the offer is left (or the hold lapsed before confirmation).")
class OfferExhausted:
    code: str
    message: str
    message_zh: str


@strawberry.type(description="The wish is yours: it leaves the open feed while your pledge stands.")
class WishClaimed:
    wish: PublicWish
    pledge_id: strawberry.ID


@strawberry.type(description="Someone else claimed this wish first.")
class WishAlreadyClaimed:
    message: str
    message_zh: str


@strawberry.type
class FulfilmentRecorded:
    need: Need


ConfirmMatchResult = Annotated[
    MatchConfirmed | NeedAlreadyMatched | OfferExhausted | NotFound | InvalidInput | Conflict,
    strawberry.union("ConfirmMatchResult"),
]
ClaimWishResult = Annotated[
    WishClaimed | WishAlreadyClaimed | NotFound | InvalidInput | Conflict, strawberry.union("ClaimWishResult")
]
RecordFulfilmentResult = Annotated[
    FulfilmentRecorded | Conflict | NotFound | InvalidInput, strawberry.union("RecordFulfilmentResult")
]


@strawberry.input(description="When a volunteer visits (weekly).")
class CareScheduleInput:
    weekday: int = strawberry.field(description="1 = Monday … 7 = Sunday")
    start: str = strawberry.field(description="HH:MM, China time")
    duration_minutes: int


@strawberry.input(description="Who gives: shown to the station, masked everywhere else.")
class DonorInput:
    name: str
    contact: str


async def confirm_match(
    info: GInfo,
    need_id: strawberry.ID,
    idempotency_key: str,
    offer_id: strawberry.ID | None = None,
    hold_id: strawberry.ID | None = None,
    quantity: int | None = None,
    amount: str | None = None,
    volunteer_id: strawberry.ID | None = None,
    schedule: CareScheduleInput | None = None,
) -> ConfirmMatchResult:
    """Match a need with an offer, or confirm a donor's claim (no offerId: the hold the claim reserved it
    for): try–confirm–cancel across services. The same key retried returns the same result; a crash
    at any point leaves nothing stuck."""
    caller(info, roles=STATION)
    if sum(x is not None for x in (offer_id, hold_id, volunteer_id)) > 1:
        raise bad_input(
            "Give offerId, holdId, or neither (to confirm a donor's claim).", "offerId 与 holdId 至多提供一个。"
        )
    if not 1 <= len(idempotency_key) <= 200:
        raise bad_input("idempotencyKey must be 1 to 200 characters.", "幂等键长度须为 1 到 200。")
    context = info.context
    if volunteer_id is not None:
        return await _confirm_care(info, need_id, volunteer_id, idempotency_key, schedule)

    async def run() -> linking.Linked | linking.Refused:
        return await linking.confirm_match(
            context.upstreams,
            context.settings,
            str(local_id(need_id, "Need")),
            idempotency_key,
            offer_id=str(local_id(offer_id, "Offer")) if offer_id else None,
            hold_id=str(hold_id) if hold_id else None,
            quantity=quantity,
            amount=amount,
        )

    def shape(result: linking.Linked | linking.Refused) -> ConfirmMatchResult:
        return _shape(result, "hold")

    return await outcome(run, shape)


def _shape(result: linking.Linked | linking.Refused, kind: str) -> ConfirmMatchResult:
    if isinstance(result, linking.Refused):
        if result.code == "NEED_NOT_OPEN":
            return NeedAlreadyMatched(message=result.message, message_zh=result.message_zh)
        if result.code == "EXCEEDS_NEED":
            return Conflict(code=result.code, message=result.message, message_zh=result.message_zh)
        return OfferExhausted(code=result.code, message=result.message, message_zh=result.message_zh)
    linked_id = strawberry.ID(str(result.hold["id"])) if result.hold.get("id") else None
    if kind == "assignment":
        return MatchConfirmed(need=Need.from_record(result.need), assignment_id=linked_id)
    return MatchConfirmed(need=Need.from_record(result.need), hold_id=linked_id)


async def _confirm_care(
    info: GInfo, need_id: strawberry.ID, volunteer_id: strawberry.ID, key: str, schedule: CareScheduleInput | None
) -> ConfirmMatchResult:
    if schedule is None:
        raise bad_input("A care match needs a schedule.", "关爱服务对接须提供探访时间安排。")
    context = info.context

    async def run() -> linking.Linked | linking.Refused:
        return await linking.confirm_care(
            context.upstreams,
            context.settings,
            str(local_id(need_id, "Need")),
            str(local_id(volunteer_id, "Volunteer")),
            key,
            {"weekday": schedule.weekday, "start": schedule.start, "duration_minutes": schedule.duration_minutes},
        )

    return await outcome(run, lambda result: _shape(result, "assignment"))


async def claim_wish(
    info: GInfo,
    wish_id: strawberry.ID,
    donor: DonorInput,
    idempotency_key: str,
    quantity: int | None = None,
    amount: str | None = None,
) -> ClaimWishResult:
    """A donor claims a public wish (apps with `wishes:claim`, organisation staff); of many donors
    claiming one wish at once exactly one succeeds, the others get WishAlreadyClaimed."""
    caller(info, scope="wishes:claim", roles=frozenset({Role.ORG_STAFF}))
    type_name, local = from_global_id(wish_id)
    if type_name not in ("PublicWish", "Need"):
        raise bad_input("wishId must be a PublicWish id.", "wishId 须为公开心愿编号。")
    context = info.context

    async def run() -> object:
        return await linking.claim_wish(
            context.upstreams,
            context.settings,
            str(local),
            idempotency_key,
            donor.name,
            donor.contact,
            quantity=quantity,
            amount=amount,
        )

    def shape(result: object) -> ClaimWishResult:
        if isinstance(result, linking.Refused) and result.code != "WISH_ALREADY_CLAIMED":
            return Conflict(code=result.code, message=result.message, message_zh=result.message_zh)
        if isinstance(result, linking.Refused):
            return WishAlreadyClaimed(message=result.message, message_zh=result.message_zh)
        wish, pledge = result  # type: ignore[misc]
        return WishClaimed(wish=PublicWish.from_record(wish), pledge_id=strawberry.ID(str(pledge["id"])))

    return await outcome(run, shape)


async def record_fulfilment(
    info: GInfo, need_id: strawberry.ID, proof_note: str, proof_photo_url: str | None = None, feedback: str = ""
) -> RecordFulfilmentResult:
    """The station records that the need was met: the resource is delivered (a fund pays out through
    its ledger), the need is fulfilled, and donors can read the proof and the thanks."""
    caller(info, roles=STATION)
    upstreams = info.context.upstreams

    async def run() -> object:
        return await linking.record_fulfilment(
            upstreams, str(local_id(need_id, "Need")), proof_note, proof_photo_url, feedback
        )

    def shape(result: object) -> RecordFulfilmentResult:
        if isinstance(result, linking.Refused):
            return Conflict(code=result.code, message=result.message, message_zh=result.message_zh)
        return FulfilmentRecorded(need=Need.from_record(result))  # type: ignore[arg-type]

    return await outcome(run, shape)


@strawberry.type
class LinkingMutationFields:
    """The mutations this module resolves (merged into the schema's root type)."""

    confirm_match = strawberry.mutation(resolver=confirm_match)
    claim_wish = strawberry.mutation(resolver=claim_wish)
    record_fulfilment = strawberry.mutation(resolver=record_fulfilment)
