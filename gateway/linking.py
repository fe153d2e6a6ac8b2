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
"""

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from gateway.clients.base import UpstreamError, UpstreamUnavailable
from gateway.clients.registry import Upstreams
from services.common.clock import clock, iso_utc
from services.common.settings import Settings

logger = logging.getLogger("wushe.gateway.linking")

ROUNDS = 8  # steps plus re-reads; a healthy run takes at most four steps


@dataclass
class Refused:
    """An expected refusal: `code` names it (NEED_NOT_OPEN, OFFER_EXHAUSTED, HOLD_EXPIRED, ...)."""

    code: str
    message: str
    message_zh: str


@dataclass
class Linked:
    need: dict[str, Any]
    hold: dict[str, Any]


NEED_NOT_OPEN = Refused("NEED_NOT_OPEN", "The need is no longer open.", "该需求已不再待认领。")
HOLD_EXPIRED = Refused("HOLD_EXPIRED", "The hold lapsed before it could be confirmed.", "预留在确认前已过期。")
LAPSED_HOLD_STATES = ("expired", "released")


def reference_of(hold: dict[str, Any]) -> str:
    return f"hold:{hold['id']}"


async def _quietly(step: str, call: Any) -> None:
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


def next_step(need: dict[str, Any], hold: dict[str, Any], *, owns_hold: bool) -> Step:
    """The one decision table of linking, shared by the saga and the reconciler.

    `owns_hold`: this link created the hold (an offer matched by staff), so giving it back is its
    job; a donor's pledge hold is the donor's and is left to its own lapse.
    """
    reference = reference_of(hold)
    ours_pending = need["state"] == "pending" and need.get("pending_reference") == reference
    ours_matched = need["state"] in ("matched", "fulfilled") and need.get("matched_reference") == reference
    ours_matched = ours_matched or _is_part(need, reference)  # a part of a funding need, counted
    lapsed = hold["state"] in LAPSED_HOLD_STATES or (hold["state"] == "held" and _overdue(hold))
    if ours_matched:
        if hold["state"] in ("committed", "delivered"):
            return Step.DONE
        return Step.UNDO_NEED if lapsed else Step.COMMIT
    if ours_pending:
        return Step.UNDO_NEED if lapsed else Step.CONFIRM
    if lapsed:
        return Step.REFUSE_LAPSED if need["state"] == "open" else Step.REFUSE_NOT_OPEN
    if need["state"] == "open":
        return Step.RESERVE
    return Step.RELEASE_HOLD if owns_hold else Step.REFUSE_NOT_OPEN


def _is_part(need: dict[str, Any], reference: str) -> bool:
    """A funding need met in parts counts each confirmed hold while it stands (open for the rest, or met)."""
    standing = need["state"] in ("open", "pending", "matched", "fulfilled")
    return standing and reference in {part["reference"] for part in need.get("parts") or []}


def _overdue(hold: dict[str, Any]) -> bool:
    """Past its expiry though the expiry job has not marked it yet: it can no longer be committed."""
    expires_at = hold.get("expires_at")
    return bool(expires_at) and datetime.fromisoformat(str(expires_at)) <= clock.now()


@dataclass
class MatchSaga:
    """One need and one hold, moved to agreement step by step over the service clients."""

    case: Any
    resources: Any
    settings: Settings
    need_id: str
    hold: dict[str, Any]
    owns_hold: bool

    @property
    def reference(self) -> str:
        return reference_of(self.hold)

    async def read(self) -> dict[str, Any]:
        need: dict[str, Any] = await self.case.get(f"/v1/needs/{self.need_id}")
        self.hold = await self.resources.get(f"/v1/holds/{self.hold['id']}")
        return need

    async def take(self, step: Step) -> None:
        need_path, hold_path = f"/v1/needs/{self.need_id}", f"/v1/holds/{self.hold['id']}"
        if step is Step.RESERVE:
            await self.case.post(f"{need_path}/hold", {"reference": self.reference, "until": self.hold["expires_at"]})
            await self._pause_after_try()
        elif step is Step.CONFIRM:  # a fund's hold is a part of a funding need: its amount counts
            body = {"reference": self.reference, **({"amount": self.hold["amount"]} if self.hold.get("amount") else {})}
            await self.case.post(f"{need_path}/confirm", body)
        elif step is Step.COMMIT:
            await self.resources.post(f"{hold_path}/commit")
        elif step is Step.UNDO_NEED:
            await self.case.post(f"{need_path}/release", {"reference": self.reference})
        elif step is Step.RELEASE_HOLD:
            await self.resources.post(f"{hold_path}/release")

    async def run(self, need: dict[str, Any]) -> Linked | Refused:
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
            logger.warning("matchOffer paused after try", extra={"need_id": self.need_id, "hold_id": self.hold["id"]})
            await asyncio.sleep(self.settings.test_pause_after_try_s)


async def confirm_match(
    upstreams: Upstreams,
    settings: Settings,
    need_id: str,
    key: str,
    *,
    offer_id: str | None = None,
    hold_id: str | None = None,
    quantity: int | None = None,
    amount: str | None = None,
) -> Linked | Refused:
    """Hold the resource for the need and match them; either both happen or neither stays."""
    case, resources = upstreams.case, upstreams.resources
    need = await case.get(f"/v1/needs/{need_id}")
    if offer_id is None and hold_id is None:
        pending = need.get("pending_reference") or need.get("matched_reference") or ""
        if not pending.startswith("hold:"):
            return Refused("NOTHING_TO_CONFIRM", "The need has no claim to confirm.", "该需求没有待确认的认领。")
        hold_id = pending.removeprefix("hold:")
    if hold_id is not None:  # a donor's pledge (or an earlier try) already holds the resource
        hold = await resources.get(f"/v1/holds/{hold_id}")
    else:
        created = await _hold_for(upstreams, settings, need, key, offer_id, quantity, amount)
        if isinstance(created, Refused):
            return created
        hold = created
    saga = MatchSaga(case, resources, settings, need_id, hold, owns_hold=hold_id is None)
    return await saga.run(need)


async def _hold_for(
    upstreams: Upstreams,
    settings: Settings,
    need: dict[str, Any],
    key: str,
    offer_id: str | None,
    quantity: int | None,
    amount: str | None,
) -> dict[str, Any] | Refused:
    """The try on the resources side — only for a need that is still open, so a caller who lost the
    need does not take stock from the next one. A retry of an earlier call (same key) replays its hold."""
    case, resources = upstreams.case, upstreams.resources
    if need["state"] != "open" and not await _may_be_ours(resources, need, offer_id):
        return NEED_NOT_OPEN
    # The case service vouches for the need's owner and region; resources takes them from it.
    ticket = await case.post(f"/v1/needs/{need['id']}/ticket")
    body: dict[str, Any] = {
        "need_id": need["id"],
        "need_ticket": ticket["ticket"],
        "offer_id": offer_id,
        "ttl_seconds": settings.match_hold_ttl_s,
    }
    if amount is not None:
        body["amount"] = amount
    elif need["kind"] == "funding":  # what the need still lacks, by default
        body["amount"] = need.get("lacking_amount") or need["amount"]
    else:  # 0 is refused by resources, never read as "all"
        lacking = need.get("lacking_quantity") or need.get("quantity") or 1
        body["quantity"] = quantity if quantity is not None else lacking
    try:
        hold: dict[str, Any] = await resources.post("/v1/holds", body, headers={"Idempotency-Key": f"{key}:hold"})
    except UpstreamError as exc:
        if exc.status != 409:
            raise
        again = await case.get(f"/v1/needs/{need['id']}")
        if again["state"] != "open":  # lost the need meanwhile: that is the answer, not the stock
            return NEED_NOT_OPEN
        code = "EXCEEDS_NEED" if exc.code == "EXCEEDS_NEED" else "OFFER_EXHAUSTED"
        return Refused(code, str(exc), exc.problem.get("detail_zh", "可用数量不足。"))
    return hold


async def _may_be_ours(resources: Any, need: dict[str, Any], offer_id: str | None) -> bool:
    """A need that is no longer open may be reserved by an earlier copy of this very call: its
    hold is on the same offer. Anything else means another link has it."""
    reference = str(need.get("pending_reference") or need.get("matched_reference") or "")
    if not reference.startswith("hold:") or need["state"] not in ("pending", "matched"):
        return False
    try:
        hold = await resources.get(f"/v1/holds/{reference.removeprefix('hold:')}")
    except UpstreamError:
        return False
    return str(hold.get("offer_id")) == str(offer_id)


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
) -> tuple[dict[str, Any], dict[str, Any]] | Refused:
    """A donor's pledge: a hold on a donation offer made for it, and the wish reserved for it.

    The wish leaves the open feed while the pledge stands and returns by itself if it lapses.
    """
    case, resources = upstreams.case, upstreams.resources
    wish = await case.get(f"/v1/public-wishes/{wish_id}")
    if wish["state"] not in ("open", "pending"):  # pending may be this very claim, retried
        return Refused("WISH_ALREADY_CLAIMED", "Someone has already claimed this wish.", "该心愿已被认领。")
    if wish["kind"] == "care":
        return Refused(
            "NOT_CLAIMABLE",
            "A care need is met by a volunteer the station assigns, not claimed by a donor.",
            "关爱服务需求由社工站安排志愿者对接，不能由捐赠方认领。",
        )
    try:
        ticket = await case.post(f"/v1/public-wishes/{wish_id}/ticket")
    except UpstreamError as exc:
        if exc.status != 404:
            raise
        ticket = None  # no longer open; a retry of this very claim finds its pledge by key below
    body: dict[str, Any] = {
        "need_id": wish_id,
        "need_ticket": ticket["ticket"] if ticket else "none",
        "donor_name": donor_name,
        "donor_contact": donor_contact,
        "title": wish["title"],
        "ttl_seconds": settings.claim_ttl_s,
    }
    if amount is not None or wish["kind"] == "funding":
        body["amount"] = amount or wish.get("lacking_amount") or wish["amount"]
    else:  # at most what the wish asks (resources checks it against the ticket); 0 is refused there
        body["category"] = wish["item_category"] or "other"
        body["quantity"] = quantity if quantity is not None else wish["quantity"] or 1
    try:
        # Keyed, so a second try after a lost answer replays the first pledge (waiting for it to commit).
        pledge = await _again_if_lost(
            lambda: resources.post("/v1/pledges", body, headers={"Idempotency-Key": f"{key}:pledge"})
        )
    except UpstreamError as exc:
        if ticket is None and exc.status == 422:
            return Refused("WISH_ALREADY_CLAIMED", "Someone has already claimed this wish.", "该心愿已被认领。")
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
        await _quietly("release pledge hold", resources.post(f"/v1/holds/{pledge['hold_id']}/release"))
        return Refused("WISH_ALREADY_CLAIMED", "Someone has already claimed this wish.", "该心愿已被认领。")
    return claimed, pledge


async def _again_if_lost(call: Any) -> Any:
    """An idempotent step sent once more when its answer was lost; a second loss is raised."""
    try:
        return await call()
    except UpstreamUnavailable as exc:
        logger.warning("linking step got no answer (%s); sending it again", exc.reason)
        return await call()


async def _claim_with_receipt(case: Any, resources: Any, wish_id: str, pledge: dict[str, Any]) -> dict[str, Any]:
    """Claim the wish with the pledge's receipt; a replayed pledge's receipt may have expired: renew it once."""
    try:
        claimed: dict[str, Any] = await case.post(f"/v1/public-wishes/{wish_id}/claim", {"receipt": pledge["receipt"]})
    except UpstreamError as exc:
        if exc.problem.get("code") != "TICKET_INVALID":
            raise
        fresh = await resources.get(f"/v1/pledges/{pledge['id']}")
        claimed = await case.post(f"/v1/public-wishes/{wish_id}/claim", {"receipt": fresh["receipt"]})
    return claimed


async def record_fulfilment(
    upstreams: Upstreams, need_id: str, proof_note: str, proof_photo_url: str | None, feedback: str
) -> dict[str, Any] | Refused:
    """The resource is delivered (a fund pays out through its ledger) and the need is fulfilled."""
    case, resources = upstreams.case, upstreams.resources
    need = await case.get(f"/v1/needs/{need_id}")
    if need["state"] == "fulfilled":
        return need
    if need["state"] != "matched":
        return Refused("NEED_NOT_MATCHED", "Only a matched need can be fulfilled.", "只有已对接的需求才能记录实现。")
    # A funding need met in parts pays out every part (each a line of its fund's disclosure).
    references = [part["reference"] for part in need.get("parts") or []] or [need.get("matched_reference") or ""]
    holds = [await resources.get(f"/v1/holds/{r.removeprefix('hold:')}") for r in references if r.startswith("hold:")]
    if any(hold["state"] in ("held", "expired", "released") for hold in holds):
        return Refused(
            "HOLD_LAPSED",
            "The resource held for this need lapsed before the match was committed: match it again.",
            "为该需求预留的资源在确认前已失效，请重新对接。",
        )
    for hold in holds:
        if hold["state"] == "committed":
            await resources.post(f"/v1/holds/{hold['id']}/deliver")
    body = {"proof_note": proof_note, "feedback": feedback}
    if proof_photo_url:
        body["proof_photo_url"] = proof_photo_url
    fulfilled: dict[str, Any] = await case.post(f"/v1/needs/{need_id}/fulfil", body)
    return fulfilled


async def confirm_care(
    upstreams: Upstreams,
    settings: Settings,
    need_id: str,
    volunteer_id: str,
    key: str,
    schedule: dict[str, Any],
) -> Linked | Refused:
    """A care need met by a volunteer: the need is reserved, the care assignment is created with
    its schedule and the elder's visit address (shown to the volunteer only while assigned), then
    the need is confirmed. A refused assignment (e.g. it overlaps the volunteer's commitments)
    releases the need; a lapsed reservation reopens it by itself."""
    case, volunteers = upstreams.case, upstreams.volunteers
    need = await case.get(f"/v1/needs/{need_id}")
    if need["kind"] != "care":
        return Refused("NOT_A_CARE_NEED", "Only a care need is met by a volunteer.", "只有关爱服务需求可由志愿者对接。")
    reference = f"assignment:{key}"
    if need["state"] == "matched" and need.get("matched_reference") == reference:  # this very call, retried
        return Linked(need, await _assignment_of(volunteers, volunteer_id, need_id))
    # Only the address is read unmasked (and audited as read): the volunteer needs nothing else.
    recipient = await case.get(f"/v1/recipients/{need['recipient_id']}", fields="address")
    ticket = await case.post(f"/v1/needs/{need_id}/ticket")  # the need's platform path, for the assignment
    until = iso_utc(clock.now() + timedelta(seconds=settings.match_hold_ttl_s))
    try:
        need = await case.post(f"/v1/needs/{need_id}/hold", {"reference": reference, "until": until})
    except UpstreamError as exc:
        if exc.status != 409:
            raise
        return Refused("NEED_NOT_OPEN", "The need is no longer open.", "该需求已不再待认领。")
    body = {
        "volunteer_id": volunteer_id,
        "need_id": need_id,
        "platform_id": need["platform_id"],
        "region": need["region_code"],
        "schedule": {"frequency": "weekly", **schedule},
        "starts_on": clock.today().isoformat(),
        "visit_address": recipient["address"] or "（地址待补充）",
        "need_ticket": ticket["ticket"],
    }
    try:
        assignment = await volunteers.post("/v1/assignments", body, headers={"Idempotency-Key": f"{key}:assignment"})
    except (UpstreamError, UpstreamUnavailable) as exc:
        await _quietly("release need", case.post(f"/v1/needs/{need_id}/release", {"reference": reference}))
        if isinstance(exc, UpstreamError) and exc.status in (400, 409, 422):
            detail = str(exc.problem.get("detail") or exc)
            return Refused(
                "VOLUNTEER_UNAVAILABLE", detail, str(exc.problem.get("detail_zh") or "志愿者无法承担该安排。")
            )
        raise
    try:
        need = await case.post(f"/v1/needs/{need_id}/confirm", {"reference": reference})
    except (UpstreamError, UpstreamUnavailable):
        await _quietly("end assignment", volunteers.post(f"/v1/assignments/{assignment['id']}/end"))
        await _quietly("release need", case.post(f"/v1/needs/{need_id}/release", {"reference": reference}))
        raise
    return Linked(need, assignment)


async def _assignment_of(volunteers: Any, volunteer_id: str, need_id: str) -> dict[str, Any]:
    """The volunteer's active assignment for the need (what an earlier copy of the call made)."""
    cursor: str | None = None
    while True:
        page = await volunteers.page("assignments", volunteer_id=volunteer_id, state="active", cursor=cursor, limit=100)
        for assignment in page["items"]:
            if str(assignment["need_id"]) == need_id:
                return dict(assignment)
        cursor = page.get("next_cursor")
        if not cursor:
            raise UpstreamUnavailable("volunteers", "the assignment of a matched care need was not found")
