"""Hold rules: atomic creation, held → committed → delivered, or released / expired."""

import uuid
from datetime import timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from services.common.auth import Principal
from services.common.clock import clock
from services.common.errors import BadInput, InvalidTransition, NotFound, OverAllocated
from services.common.regions import covers
from services.common.settings import Settings
from services.common.tickets import NeedTicket, TicketInvalid, unseal
from services.resources.errors import ExceedsNeed, OfferNotAvailable
from services.resources.funds import service as fund_service
from services.resources.holds import auth
from services.resources.holds import repository as hold_repository
from services.resources.holds.schemas import Hold as HoldOut
from services.resources.holds.schemas import HoldCreate
from services.resources.kit import hold_scope, record_change
from services.resources.models import Hold, Offer
from services.resources.offers import repository as offer_repository
from services.resources.offers.schemas import as_decimal
from services.resources.pledges.lapse import void_pledges_of

# target state: the states a hold may move to it from
TRANSITIONS = {
    "committed": ("held",),
    "delivered": ("committed",),
    "released": ("held", "committed"),
}


def open_ticket(principal: Principal, body_need_id: uuid.UUID, token: str, settings: Settings) -> NeedTicket:
    """The case service's sealed word on the need, which must be the need the body names."""
    need = unseal(NeedTicket, token, principal, settings)
    if need.need_id != body_need_id:
        raise TicketInvalid("The ticket is for another need.", "该凭据属于另一个需求。")
    return need


async def create(session: AsyncSession, principal: Principal, body: HoldCreate, settings: Settings) -> HoldOut:
    """Hold part of an offer for a need (centre/station staff of the need's platform subtree and region)."""
    principal.require_role(*auth.HOLDING_ROLES)
    need = open_ticket(principal, body.need_id, body.need_ticket, settings)
    auth.require_may_hold_for(principal, need)
    return await create_unchecked(session, principal, body, need)


async def create_unchecked(session: AsyncSession, principal: Principal, body: HoldCreate, need: NeedTicket) -> HoldOut:
    """Create the hold once the caller's right to do so is settled (also used by pledges)."""
    offer = await offer_repository.get(session, principal, body.offer_id, fresh=True)
    if offer is None:
        raise NotFound("No such offer to hold.", "要预留的资源不存在。")
    size = _size_for(offer, body)
    ensure_within_need(need, size)
    purpose = body.purpose or (need.need_kind if offer.kind == "fund" and need.need_kind else None)
    if not covers(offer.region_prefix, need.region_code):
        raise OfferNotAvailable(
            f"The offer serves {offer.region_prefix}, not {need.region_code}.",
            f"该资源服务区域为 {offer.region_prefix}，不含 {need.region_code}。",
        )
    if offer.kind == "fund":
        await fund_service.require_within_restrictions(session, offer, need.need_id, need.region_code, purpose, size)
    if not await offer_repository.reserve(session, offer.id, size):
        await _explain_refusal(session, principal, offer.id, size)
    hold = await hold_repository.insert(
        session,
        Hold(
            need_id=need.need_id,
            need_region=need.region_code,
            platform_path=need.platform_path,
            offer_id=offer.id,
            quantity=size,
            purpose=purpose,
            need_title=need.title,
            state="held",
            created_by=principal.subject,
            expires_at=clock.now() + timedelta(seconds=body.ttl_seconds),
        ),
    )
    await record_change(
        session,
        principal,
        action="held",
        entity="hold",
        entity_id=hold.id,
        scope=hold_scope(hold, offer.org_id),
        event="hold.held",
        payload={"offer_id": offer.id, "need_id": hold.need_id, "quantity": size},
    )
    return HoldOut.of(hold, fund=offer.kind == "fund")


def ensure_within_need(need: NeedTicket, size: Decimal) -> None:
    """No hold (nor pledge) for more than the need still lacks, as the case service's ticket says."""
    if need.lacking and size > Decimal(need.lacking):
        raise ExceedsNeed(
            f"The need lacks only {need.lacking}; {size} requested.",
            f"该需求尚缺 {need.lacking}，请求 {size} 超出所需。",
            lacking=need.lacking,
        )


def _size_for(offer: Offer, body: HoldCreate) -> Decimal:
    if offer.kind == "fund":
        if body.amount is None:
            raise BadInput("Hold a fund by amount (yuan).", "资金须按金额预留。")
        return body.amount
    if body.quantity is None:
        raise BadInput("Hold this offer by quantity.", "该资源须按数量预留。")
    return as_decimal(body.quantity)


async def _explain_refusal(session: AsyncSession, principal: Principal, offer_id: uuid.UUID, size: Decimal) -> None:
    offer = await offer_repository.get(session, principal, offer_id, fresh=True)
    assert offer is not None
    now = clock.now()
    open_for_holds = (
        offer.status in ("published", "exhausted")
        and offer.valid_from <= now
        and (offer.valid_until is None or offer.valid_until > now)
    )
    if not open_for_holds:
        raise OfferNotAvailable(f"The offer is {offer.status} or outside its validity.", "该资源未发布或不在有效期内。")
    available = offer.total - offer.held - offer.delivered
    raise OverAllocated(
        f"Only {available} available; {size} requested.",
        f"可用数量仅 {available}，请求 {size}。",
        available=str(available),
    )


async def get(session: AsyncSession, principal: Principal, hold_id: uuid.UUID) -> HoldOut:
    hold = await hold_repository.get(session, principal, hold_id)
    if hold is None:
        raise auth.hold_not_found()
    return await present(session, principal, hold)


async def present(session: AsyncSession, principal: Principal, hold: Hold) -> HoldOut:
    funds = await hold_repository.fund_kinds(session, principal, {hold.offer_id})
    return HoldOut.of(hold, fund=hold.offer_id in funds)


async def change_state(session: AsyncSession, principal: Principal, hold_id: uuid.UUID, to_state: str) -> HoldOut:
    """Commit, deliver or release a hold; an illegal move answers 409 INVALID_TRANSITION."""
    hold = await hold_repository.get(session, principal, hold_id)
    if hold is None:
        raise auth.hold_not_found()
    offer = await offer_repository.get(session, principal, hold.offer_id)
    if offer is None:
        raise auth.hold_not_found()
    auth.require_may_settle(
        principal, offer.org_id, releasing_own=to_state == "released" and hold.created_by == principal.subject
    )
    if hold.state == to_state or (to_state == "released" and hold.state == "expired"):
        # A repeat (a retry, or a concurrent copy that got there first): the hold is where the
        # caller wants it, so the answer is the same and nothing moves twice.
        return HoldOut.of(hold, fund=offer.kind == "fund")
    moved = await hold_repository.move(
        session, hold_id, TRANSITIONS[to_state], to_state, unexpired=to_state == "committed"
    )
    if moved is None:
        await session.refresh(hold)
        if hold.state == to_state or (to_state == "released" and hold.state == "expired"):
            return HoldOut.of(hold, fund=offer.kind == "fund")
        raise InvalidTransition(
            f"A hold in state {hold.state} cannot become {to_state} (or it has expired).",
            f"预留当前状态为 {hold.state}，不能变为 {to_state}（或已过期）。",
        )
    fund = offer.kind == "fund"
    await _move_counters(session, principal, moved, to_state, fund=fund)
    if to_state == "released":
        await void_pledges_of(session, [moved.id])
    await record_change(
        session,
        principal,
        action=to_state,
        entity="hold",
        entity_id=hold_id,
        scope=hold_scope(moved, offer.org_id),
        event=f"hold.{to_state}",
        payload={"offer_id": moved.offer_id, "need_id": moved.need_id, "quantity": moved.quantity},
    )
    return HoldOut.of(moved, fund=fund)


async def _move_counters(session: AsyncSession, principal: Principal, hold: Hold, to_state: str, *, fund: bool) -> None:
    if to_state == "released":
        await offer_repository.return_held(session, hold.offer_id, hold.quantity)
    elif to_state == "delivered" and fund:
        await fund_service.pay_hold(session, principal, hold)
    elif to_state == "delivered":
        await offer_repository.deliver_held(session, hold.offer_id, hold.quantity)
