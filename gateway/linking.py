"""Linking a need to its resource across services: try–confirm–cancel, decided by state.

    confirm_match:  try      hold in resources (TTL)      → need pending in case (until = hold expiry)
                    confirm  confirm the need (matched)    → commit the hold
                    cancel   undo whichever side the other side no longer agrees with

Every step is idempotent: the hold is created under `<key>:hold`; reserving, confirming,
committing and releasing something that is already where the step would put it answers the same
record again. So a retry, or twenty concurrent copies of one call, all walk the same path.

What to do next is never decided from the text of an error. After every step, and after any
transport error (a reset, a lost answer, a timeout), the saga reads the need and the hold and
`next_step` — a pure function of the two states — says what brings them into agreement. A step
that fails just leads to another read. If the gateway dies mid-way, the reconcilers in the
services' background work repair the same rows from the stored states (services/case/needs/
reconcile.py, services/resources/holds/reconcile.py), so nothing stays disagreeing for longer
than the hold TTL plus their interval.

The saga speaks to the services only through their typed clients, in the services' own contract
models (services/<svc>/contract.py): no URL and no dictionary of service data here.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Any, Protocol, TypeVar

from gateway.clients.base import UpstreamError, UpstreamUnavailable
from gateway.clients.case import CaseClient
from gateway.clients.registry import Upstreams
from gateway.clients.resources import ResourcesClient
from gateway.clients.volunteers import VolunteersClient
from services.case import contract as case_contract
from services.common.clock import clock, iso_utc
from services.common.settings import Settings
from services.resources import contract as resources_contract
from services.volunteers import contract as volunteers_contract

logger = logging.getLogger("wushe.gateway.linking")

ROUNDS = 8  # steps plus re-reads; a healthy run takes at most four steps
T = TypeVar("T")

Need = case_contract.Need
PublicWish = case_contract.PublicWish
Hold = resources_contract.Hold
Pledge = resources_contract.Pledge
CareAssignment = volunteers_contract.CareAssignment


@dataclass
class Refused:
    """An expected refusal: `code` names it (NEED_NOT_OPEN, OFFER_EXHAUSTED, HOLD_EXPIRED, ...)."""

    code: str
    message: str
    message_zh: str


@dataclass
class Linked:
    need: Need
    hold: Hold


@dataclass
class Assigned:
    need: Need
    assignment: CareAssignment


@dataclass
class Claimed:
    wish: PublicWish
    pledge: Pledge


NEED_NOT_OPEN = Refused("NEED_NOT_OPEN", "The need is no longer open.", "该需求已不再待认领。")
HOLD_EXPIRED = Refused("HOLD_EXPIRED", "The hold lapsed before it could be confirmed.", "预留在确认前已过期。")
WISH_ALREADY_CLAIMED = Refused("WISH_ALREADY_CLAIMED", "Someone has already claimed this wish.", "该心愿已被认领。")
LAPSED_HOLD_STATES = ("expired", "released")


class NeedState(Protocol):
    """What the decision table reads of a need."""

    @property
    def state(self) -> str: ...
    @property
    def pending_reference(self) -> str | None: ...
    @property
    def matched_reference(self) -> str | None: ...
    @property
    def parts(self) -> Sequence[case_contract.NeedPart]: ...


class HoldState(Protocol):
    """What the decision table reads of a hold."""

    @property
    def id(self) -> Any: ...
    @property
    def state(self) -> str: ...
    @property
    def expires_at(self) -> datetime | None: ...


def reference_of(hold: HoldState) -> str:
    return f"hold:{hold.id}"


async def _quietly(step: str, call: Awaitable[Any]) -> None:
    """A compensation: tried once, logged if it fails (expiry will clean up regardless)."""
    try:
        await call
    except Exception:  # compensation must not hide the original outcome
        logger.warning("compensation %s failed; expiry will undo it", step, exc_info=True)


class Step(Enum):
    """What brings a need and its hold into agreement, from where they stand now."""

    RESERVE = "reserve"  # need open, hold held: reserve the need for the hold
    CONFIRM = "confirm"  # need pending for the hold: match it
    COMMIT = "commit"  # need matched to a held hold: commit the hold
    UNDO_NEED = "undo_need"  # need pending/matched for a hold that lapsed: open the need again
    RELEASE_HOLD = "release_hold"  # the need went to someone else: give the stock back
    DONE = "done"  # matched and committed (or delivered)
    REFUSE_NOT_OPEN = "refuse_not_open"
    REFUSE_LAPSED = "refuse_lapsed"


def next_step(need: NeedState, hold: HoldState, *, owns_hold: bool) -> Step:
    """The one decision table of linking, shared by the saga and the reconciler.

    `owns_hold`: this link created the hold (an offer matched by staff), so giving it back is its
    job; a donor's pledge hold is the donor's and is left to its own lapse.
    """
    reference = reference_of(hold)
    ours_pending = need.state == "pending" and need.pending_reference == reference
    ours_matched = need.state in ("matched", "fulfilled") and need.matched_reference == reference
    ours_matched = ours_matched or _is_part(need, reference)  # a part of a funding need, counted
    lapsed = hold.state in LAPSED_HOLD_STATES or (hold.state == "held" and _overdue(hold))
    if ours_matched:
        if hold.state in ("committed", "delivered"):
            return Step.DONE
        return Step.UNDO_NEED if lapsed else Step.COMMIT
    if ours_pending:
        return Step.UNDO_NEED if lapsed else Step.CONFIRM
    if lapsed:
        return Step.REFUSE_LAPSED if need.state == "open" else Step.REFUSE_NOT_OPEN
    if need.state == "open":
        return Step.RESERVE
    return Step.RELEASE_HOLD if owns_hold else Step.REFUSE_NOT_OPEN


def _is_part(need: NeedState, reference: str) -> bool:
    """A funding need met in parts counts each confirmed hold while it stands (open for the rest, or met)."""
    standing = need.state in ("open", "pending", "matched", "fulfilled")
    return standing and reference in {part.reference for part in need.parts or []}


def _overdue(hold: HoldState) -> bool:
    """Past its expiry though the expiry job has not marked it yet: it can no longer be committed."""
    return hold.expires_at is not None and hold.expires_at <= clock.now()


def _held_reference(need: Need) -> str:
    return need.pending_reference or need.matched_reference or ""


@dataclass
class MatchSaga:
    """One need and one hold, moved to agreement step by step over the service clients."""

    case: CaseClient
    resources: ResourcesClient
    settings: Settings
    need_id: str
    hold: Hold
    owns_hold: bool

    @property
    def reference(self) -> str:
        return reference_of(self.hold)

    async def read(self) -> Need:
        need = await self.case.needs.get(self.need_id)
        self.hold = await self.resources.holds.get(self.hold.id)
        return need

    async def take(self, step: Step) -> None:
        needs, holds = self.case.needs, self.resources.holds
        if step is Step.RESERVE:
            await needs.hold(self.need_id, {"reference": self.reference, "until": iso_utc(self.hold.expires_at)})
            await self._pause_after_try()
        elif step is Step.CONFIRM:  # a fund's hold is a part of a funding need: its amount counts
            amount = {"amount": str(self.hold.amount)} if self.hold.amount else {}
            await needs.confirm(self.need_id, {"reference": self.reference, **amount})
        elif step is Step.COMMIT:
            await holds.commit(self.hold.id)
        elif step is Step.UNDO_NEED:
            await needs.release(self.need_id, self.reference)
        elif step is Step.RELEASE_HOLD:
            await holds.release(self.hold.id)

    async def run(self, need: Need) -> Linked | Refused:
        refusal: Refused | None = None
        for _ in range(ROUNDS):
            step = next_step(need, self.hold, owns_hold=self.owns_hold)
            if step is Step.DONE:
                return Linked(need, self.hold)
            if step is Step.REFUSE_NOT_OPEN:
                return refusal or NEED_NOT_OPEN
            if step is Step.REFUSE_LAPSED:
                return refusal or HOLD_EXPIRED
            if step is Step.UNDO_NEED:
                refusal = HOLD_EXPIRED
            elif step is Step.RELEASE_HOLD:
                refusal = NEED_NOT_OPEN
            try:
                await self.take(step)
            except UpstreamError as exc:  # refused: someone else moved one side; read and decide again
                logger.info("linking step %s refused (%s); reading state", step.value, exc.code)
            except UpstreamUnavailable as exc:  # lost, reset or timed out: it may or may not have happened
                logger.warning("linking step %s got no answer (%s); reading state", step.value, exc.reason)
            need = await self.read()
        raise UpstreamUnavailable("gateway", "linking did not settle; the reconciler will finish it")

    async def _pause_after_try(self) -> None:
        if self.settings.environment == "test" and self.settings.test_pause_after_try_s > 0:
            logger.warning("matchOffer paused after try", extra={"need_id": self.need_id, "hold_id": str(self.hold.id)})
            await asyncio.sleep(self.settings.test_pause_after_try_s)


async def confirm_match(
    upstreams: Upstreams,
    settings: Settings,
    need_id: str,
    key: str,
    *,
    offer_id: str | None = None,
    quantity: int | None = None,
    amount: str | None = None,
) -> Linked | Refused:
    """Hold the resource for the need and match them; either both happen or neither stays.
    Without an offer: confirm the donor's claim the need is reserved for (its pledge's hold)."""
    case, resources = upstreams.case, upstreams.resources
    need = await case.needs.get(need_id)
    if offer_id is None:  # a donor's pledge (or an earlier try) already holds the resource
        pending = _held_reference(need)
        if not pending.startswith("hold:"):
            return Refused("NOTHING_TO_CONFIRM", "The need has no claim to confirm.", "该需求没有待确认的认领。")
        hold = await resources.holds.get(pending.removeprefix("hold:"))
    else:
        created = await _hold_for(upstreams, settings, need, key, offer_id, quantity, amount)
        if isinstance(created, Refused):
            return created
        hold = created
    saga = MatchSaga(case, resources, settings, need_id, hold, owns_hold=offer_id is not None)
    return await saga.run(need)


async def _hold_for(
    upstreams: Upstreams,
    settings: Settings,
    need: Need,
    key: str,
    offer_id: str,
    quantity: int | None,
    amount: str | None,
) -> Hold | Refused:
    """The try on the resources side — only for a need that is still open, so a caller who lost the
    need does not take stock from the next one. A retry of an earlier call (same key) replays its hold."""
    case, resources = upstreams.case, upstreams.resources
    if need.state != "open" and not await _may_be_ours(resources, need, offer_id):
        return NEED_NOT_OPEN
    # The case service vouches for the need's owner and region; resources takes them from it.
    ticket = await case.needs.ticket(need.id)
    body: dict[str, Any] = {
        "need_id": str(need.id),
        "need_ticket": ticket.ticket,
        "offer_id": offer_id,
        "ttl_seconds": settings.match_hold_ttl_s,
    }
    if amount is not None:
        body["amount"] = amount
    elif need.kind == "funding":  # what the need still lacks, by default
        body["amount"] = str(need.lacking_amount or need.amount)
    else:  # 0 is refused by resources, never read as "all"
        lacking = need.lacking_quantity or need.quantity or 1
        body["quantity"] = quantity if quantity is not None else lacking
    try:
        return await resources.holds.reserve(body, idempotency_key=f"{key}:hold")
    except UpstreamError as exc:
        if exc.status != 409:
            raise
        again = await case.needs.get(need.id)
        if again.state != "open":  # lost the need meanwhile: that is the answer, not the stock
            return NEED_NOT_OPEN
        code = "EXCEEDS_NEED" if exc.code == "EXCEEDS_NEED" else "OFFER_EXHAUSTED"
        return Refused(code, str(exc), str(exc.problem.get("detail_zh", "可用数量不足。")))


async def _may_be_ours(resources: ResourcesClient, need: Need, offer_id: str | None) -> bool:
    """A need that is no longer open may be reserved by an earlier copy of this very call: its
    hold is on the same offer. Anything else means another link has it."""
    reference = _held_reference(need)
    if not reference.startswith("hold:") or need.state not in ("pending", "matched"):
        return False
    try:
        hold = await resources.holds.get(reference.removeprefix("hold:"))
    except UpstreamError:
        return False
    return str(hold.offer_id) == str(offer_id)


async def claim_wish(
    upstreams: Upstreams,
    settings: Settings,
    wish_id: str,
    key: str,
    donor_name: str,
    donor_contact: str,
    *,
    quantity: int | None = None,
    amount: str | None = None,
) -> Claimed | Refused:
    """A donor's pledge: a hold on a donation offer made for it, and the wish reserved for it.

    The wish leaves the open feed while the pledge stands and returns by itself if it lapses.
    """
    case, resources = upstreams.case, upstreams.resources
    wish = await case.public_wishes.get(wish_id)
    if wish.state not in ("open", "pending"):  # pending may be this very claim, retried
        return WISH_ALREADY_CLAIMED
    if wish.kind == "care":
        return Refused(
            "NOT_CLAIMABLE",
            "A care need is met by a volunteer the station assigns, not claimed by a donor.",
            "关爱服务需求由社工站安排志愿者对接，不能由捐赠方认领。",
        )
    try:
        ticket: str | None = (await case.public_wishes.ticket(wish_id)).ticket
    except UpstreamError as exc:
        if exc.status != 404:
            raise
        ticket = None  # no longer open; a retry of this very claim finds its pledge by key below
    body: dict[str, Any] = {
        "need_id": wish_id,
        "need_ticket": ticket or "none",
        "donor_name": donor_name,
        "donor_contact": donor_contact,
        "title": wish.title,
        "ttl_seconds": settings.claim_ttl_s,
    }
    if amount is not None or wish.kind == "funding":
        body["amount"] = amount or str(wish.lacking_amount or wish.amount)
    else:  # at most what the wish asks (resources checks it against the ticket); 0 is refused there
        body["category"] = wish.item_category or "other"
        body["quantity"] = quantity if quantity is not None else wish.quantity or 1
    try:
        # Keyed, so a second try after a lost answer replays the first pledge (waiting for it to commit).
        pledge = await _again_if_lost(lambda: resources.pledges.create(body, idempotency_key=f"{key}:pledge"))
    except UpstreamError as exc:
        if ticket is None and exc.status == 422:
            return WISH_ALREADY_CLAIMED
        raise
    try:
        # A claim with the same receipt is a repeat, so it too may be sent again after a lost answer.
        claimed = await _again_if_lost(lambda: _claim_with_receipt(case, resources, wish_id, pledge))
    except UpstreamError as exc:
        if exc.status != 409:
            raise
        # Lost the wish: the pledge is given back at once, and with it its offer and promised money
        # (services/resources/pledges/lapse.py). Should this release be lost, the resources
        # reconciler releases the stray hold a minute later.
        await _quietly("release pledge hold", resources.holds.release(pledge.hold_id))
        return WISH_ALREADY_CLAIMED
    return Claimed(claimed, pledge)


async def _again_if_lost(call: Callable[[], Awaitable[T]]) -> T:
    """An idempotent step sent once more when its answer was lost; a second loss is raised."""
    try:
        return await call()
    except UpstreamUnavailable as exc:
        logger.warning("linking step got no answer (%s); sending it again", exc.reason)
        return await call()


async def _claim_with_receipt(case: CaseClient, resources: ResourcesClient, wish_id: str, pledge: Pledge) -> PublicWish:
    """Claim the wish with the pledge's receipt; a replayed pledge's receipt may have expired: renew it once."""
    try:
        return await case.public_wishes.claim(wish_id, pledge.receipt or "")
    except UpstreamError as exc:
        if exc.code != "TICKET_INVALID":
            raise
        fresh = await resources.pledges.get(pledge.id)
        return await case.public_wishes.claim(wish_id, fresh.receipt or "")


async def record_fulfilment(
    upstreams: Upstreams, need_id: str, proof_note: str, proof_photo_url: str | None, feedback: str
) -> Need | Refused:
    """The resource is delivered (a fund pays out through its ledger) and the need is fulfilled."""
    case, resources = upstreams.case, upstreams.resources
    need = await case.needs.get(need_id)
    if need.state == "fulfilled":
        return need
    if need.state != "matched":
        return Refused("NEED_NOT_MATCHED", "Only a matched need can be fulfilled.", "只有已对接的需求才能记录实现。")
    # A funding need met in parts pays out every part (each a line of its fund's disclosure).
    references = [part.reference for part in need.parts] or [need.matched_reference or ""]
    holds = [await resources.holds.get(r.removeprefix("hold:")) for r in references if r.startswith("hold:")]
    if any(hold.state in ("held", "expired", "released") for hold in holds):
        return Refused(
            "HOLD_LAPSED",
            "The resource held for this need lapsed before the match was committed: match it again.",
            "为该需求预留的资源在确认前已失效，请重新对接。",
        )
    for hold in holds:
        if hold.state == "committed":
            await resources.holds.deliver(hold.id)
    body = {"proof_note": proof_note, "feedback": feedback}
    if proof_photo_url:
        body["proof_photo_url"] = proof_photo_url
    return await case.needs.fulfil(need_id, body)


async def confirm_care(
    upstreams: Upstreams,
    settings: Settings,
    need_id: str,
    volunteer_id: str,
    key: str,
    schedule: dict[str, Any],
) -> Assigned | Refused:
    """A care need met by a volunteer: the need is reserved, the care assignment is created with
    its schedule and the elder's visit address (shown to the volunteer only while assigned), then
    the need is confirmed. A refused assignment (e.g. it overlaps the volunteer's commitments)
    releases the need; a lapsed reservation reopens it by itself."""
    case, volunteers = upstreams.case, upstreams.volunteers
    need = await case.needs.get(need_id)
    if need.kind != "care":
        return Refused("NOT_A_CARE_NEED", "Only a care need is met by a volunteer.", "只有关爱服务需求可由志愿者对接。")
    reference = f"assignment:{key}"
    if need.state == "matched" and need.matched_reference == reference:  # this very call, retried
        return Assigned(need, await _assignment_of(volunteers, volunteer_id, need_id))
    # Only the address is read unmasked (and audited as read): the volunteer needs nothing else.
    recipient = await case.recipients.get(need.recipient_id, fields="address")
    ticket = await case.needs.ticket(need_id)  # the need's platform path, for the assignment
    until = iso_utc(clock.now() + timedelta(seconds=settings.match_hold_ttl_s))
    try:
        need = await case.needs.hold(need_id, {"reference": reference, "until": until})
    except UpstreamError as exc:
        if exc.status != 409:
            raise
        return NEED_NOT_OPEN
    body = volunteers_contract.AssignmentCreate.model_validate(
        {
            "volunteer_id": volunteer_id,
            "need_id": need_id,
            "platform_id": need.platform_id,
            "region": need.region_code,
            "schedule": {"frequency": "weekly", **schedule},
            "starts_on": clock.today(),
            "visit_address": recipient.address or "（地址待补充）",
            "need_ticket": ticket.ticket,
        }
    )
    try:
        assignment = await volunteers.assignments.create(body, idempotency_key=f"{key}:assignment")
    except (UpstreamError, UpstreamUnavailable) as exc:
        await _quietly("release need", case.needs.release(need_id, reference))
        if isinstance(exc, UpstreamError) and exc.status in (400, 409, 422):
            detail = str(exc.problem.get("detail") or exc)
            return Refused(
                "VOLUNTEER_UNAVAILABLE", detail, str(exc.problem.get("detail_zh") or "志愿者无法承担该安排。")
            )
        raise
    try:
        need = await case.needs.confirm(need_id, {"reference": reference})
    except (UpstreamError, UpstreamUnavailable):
        await _quietly("end assignment", volunteers.assignments.end(assignment.id))
        await _quietly("release need", case.needs.release(need_id, reference))
        raise
    return Assigned(need, assignment)


async def _assignment_of(volunteers: VolunteersClient, volunteer_id: str, need_id: str) -> CareAssignment:
    """The volunteer's active assignment for the need (what an earlier copy of the call made)."""
    cursor: str | None = None
    while True:
        page = await volunteers.assignments.page(volunteer_id=volunteer_id, state="active", cursor=cursor, limit=100)
        for assignment in page.items:
            if str(assignment.need_id) == need_id:
                return assignment
        cursor = page.next_cursor
        if not cursor:
            raise UpstreamUnavailable("volunteers", "the assignment of a matched care need was not found")
