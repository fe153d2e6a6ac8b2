"""Linking a need to its resource across services: try–confirm–cancel, with nothing left stuck.

    confirm_match:  try      hold in resources (TTL)      → need pending in case (until = hold expiry)
                    confirm  commit the hold              → confirm the need (matched)
                    cancel   whatever was done is undone when a later step is refused

Every step is idempotent under the caller's key (the hold is created with `<key>:hold`, the need
is reserved for `hold:<id>`), so retrying a call that failed half-way finishes it. If the gateway
dies between try and confirm, nothing needs it: the hold expires in resources and the need's
reservation lapses in case at the same moment, and the quantity returns exactly once.

Confirm order: the need is matched first, then the hold committed. A crash between the two leaves
the need matched to a hold that then expires and returns its quantity — nothing leaks or counts
twice; recordFulfilment refuses such a match ("the hold lapsed") and retrying the mutation with
the same key undoes it (the need is open again). Automatic clean-up of that rare case without a
retry is not built yet.
"""

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from gateway.clients.base import UpstreamError, UpstreamUnavailable
from gateway.clients.registry import Upstreams
from services.common.clock import clock, iso_utc
from services.common.settings import Settings

logger = logging.getLogger("wushe.gateway.linking")


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


def reference_of(hold: dict[str, Any]) -> str:
    return f"hold:{hold['id']}"


async def _quietly(step: str, call: Any) -> None:
    """A compensation: tried once, logged if it fails (expiry will clean up regardless)."""
    try:
        await call
    except Exception:  # compensation must not hide the original outcome
        logger.warning("compensation %s failed; expiry will undo it", step, exc_info=True)


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
        # The case service vouches for the need's owner and region; resources takes them from it.
        ticket = await case.post(f"/v1/needs/{need_id}/ticket")
        body = {
            "need_id": need_id,
            "need_ticket": ticket["ticket"],
            "offer_id": offer_id,
            "ttl_seconds": settings.match_hold_ttl_s,
        }
        if amount is not None:
            body["amount"] = amount
        else:
            body["quantity"] = quantity or need.get("quantity") or 1
        try:
            hold = await resources.post("/v1/holds", body, headers={"Idempotency-Key": f"{key}:hold"})
        except UpstreamError as exc:
            if exc.status == 409:
                return Refused("OFFER_EXHAUSTED", str(exc), exc.problem.get("detail_zh", "可用数量不足。"))
            raise
    reference = reference_of(hold)
    if reference in (need.get("pending_reference"), need.get("matched_reference")):
        # A retry: the hold above may be the replay of the first answer; read its state now.
        hold = await resources.get(f"/v1/holds/{hold['id']}")
    if not (need["state"] == "matched" and need.get("matched_reference") == reference):
        result = await _reserve_and_confirm(
            case, resources, settings, need_id, hold, reference, release_hold=hold_id is None
        )
        if isinstance(result, Refused):
            return result
        need = result
    lapsed = hold["state"] in ("expired", "released")
    if hold["state"] == "held":
        try:
            hold = await resources.post(f"/v1/holds/{hold['id']}/commit")
        except UpstreamUnavailable as exc:
            # Unreachable: the hold will expire by itself; undo the match so the need is open again.
            # (A timeout may have committed it: that is left for a retry with the key.)
            if "Timeout" not in exc.reason:
                await _quietly("undo the match", case.post(f"/v1/needs/{need_id}/release", {"reference": reference}))
            raise
        except UpstreamError as exc:
            if exc.status != 409:
                raise
            hold = await resources.get(f"/v1/holds/{hold['id']}")  # committed meanwhile, or lapsed?
            lapsed = hold["state"] != "committed"
    if lapsed:
        await _quietly("undo the match", case.post(f"/v1/needs/{need_id}/release", {"reference": reference}))
        return Refused("HOLD_EXPIRED", "The hold lapsed before it could be confirmed.", "预留在确认前已过期。")
    return Linked(need, hold)


async def _reserve_and_confirm(
    case: Any,
    resources: Any,
    settings: Settings,
    need_id: str,
    hold: dict[str, Any],
    reference: str,
    *,
    release_hold: bool,
) -> dict[str, Any] | Refused:
    """Reserve the need for the hold (try), then match it (first half of confirm)."""
    try:
        await case.post(f"/v1/needs/{need_id}/hold", {"reference": reference, "until": hold["expires_at"]})
    except UpstreamError as exc:
        if exc.status != 409:
            raise
        if release_hold:
            await _quietly("release hold", resources.post(f"/v1/holds/{hold['id']}/release"))
        return Refused("NEED_NOT_OPEN", "The need is no longer open.", "该需求已不再待认领。")

    if settings.environment == "test" and settings.test_pause_after_try_s > 0:
        logger.warning("confirmMatch paused after try", extra={"need_id": need_id, "hold_id": hold["id"]})
        await asyncio.sleep(settings.test_pause_after_try_s)

    # Confirm the need first, then commit the hold: if we die in between, the hold expires by itself
    # and gives its quantity back (nothing leaks or counts twice); the need stays matched to a
    # lapsed hold, which recordFulfilment refuses and a retry with the same key undoes.
    try:
        need: dict[str, Any] = await case.post(f"/v1/needs/{need_id}/confirm", {"reference": reference})
    except (UpstreamError, UpstreamUnavailable) as exc:
        # Refused or unreachable: the need was not matched, so the hold is given back. A timeout is
        # different (the confirm may have landed): leave it for a retry with the key.
        if release_hold and not (isinstance(exc, UpstreamUnavailable) and "Timeout" in exc.reason):
            await _quietly("release hold", resources.post(f"/v1/holds/{hold['id']}/release"))
        raise
    return need


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
        body["amount"] = amount or wish["amount"]
    else:
        body["category"], body["quantity"] = wish["item_category"] or "other", quantity or wish["quantity"] or 1
    try:
        pledge = await resources.post("/v1/pledges", body, headers={"Idempotency-Key": f"{key}:pledge"})
    except UpstreamError as exc:
        if ticket is None and exc.status == 422:
            return Refused("WISH_ALREADY_CLAIMED", "Someone has already claimed this wish.", "该心愿已被认领。")
        raise
    try:
        claimed = await _claim_with_receipt(case, resources, wish_id, pledge)
    except UpstreamError as exc:
        if exc.status != 409:
            raise
        await _quietly("release pledge hold", resources.post(f"/v1/holds/{pledge['hold_id']}/release"))
        return Refused("WISH_ALREADY_CLAIMED", "Someone has already claimed this wish.", "该心愿已被认领。")
    return claimed, pledge


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
    reference = need.get("matched_reference") or ""
    if reference.startswith("hold:"):
        hold_id = reference.removeprefix("hold:")
        hold = await resources.get(f"/v1/holds/{hold_id}")
        if hold["state"] in ("held", "expired", "released"):
            return Refused(
                "HOLD_LAPSED",
                "The resource held for this need lapsed before the match was committed: match it again.",
                "为该需求预留的资源在确认前已失效，请重新对接。",
            )
        if hold["state"] == "committed":
            await resources.post(f"/v1/holds/{hold_id}/deliver")
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
    if need["state"] == "matched" and need.get("matched_reference") == reference:
        return Linked(need, {"id": None})
    recipient = await case.get(f"/v1/recipients/{need['recipient_id']}")
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
