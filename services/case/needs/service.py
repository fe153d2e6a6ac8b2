"""Business rules for needs: publishing from a case, the lifecycle, and fulfilment with proof."""

import uuid
from datetime import timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from services.case.cases import service as cases
from services.case.kit import record_change, record_event, scope_of
from services.case.models import Need
from services.case.needs import parts, public_text, repository
from services.case.needs.photo_links import ensure_own_photo_url
from services.case.needs.schemas import NeedFulfilment, NeedHold, NeedPublish, NeedUpdate
from services.case.needs.state_machine import ensure_allowed
from services.case.platforms import repository as platform_repository
from services.case.projects import service as projects
from services.case.scoping import can_write
from services.common.auth import Principal
from services.common.clock import clock
from services.common.concurrency import check_version
from services.common.database import Database
from services.common.errors import BadInput, Conflict, Forbidden, NotFound
from services.common.settings import Settings
from services.common.tickets import NeedTicket, PledgeReceipt, TicketInvalid, seal, unseal
from services.common.vocabulary import CaseState, NeedKind, NeedState, Role

# Which need may be edited in which field, by kind.
EDITABLE = {
    NeedKind.MICRO_WISH: {"title", "description", "deadline", "quantity", "estimated_value"},
    NeedKind.CARE: {"title", "description", "deadline", "visits_per_month", "visit_minutes"},
    NeedKind.FUNDING: {"title", "description", "deadline", "amount"},
}


def not_found() -> NotFound:
    return NotFound("Need not found.", "未找到该需求。")


def ensure_writer(principal: Principal) -> None:
    if not can_write(principal):
        raise Forbidden("Only platform staff manage needs.", "只有社工平台工作人员可以管理需求。")


class CaseNotActive(Conflict):
    code = "CASE_NOT_ACTIVE"


class NotClaimable(Conflict):
    code = "NOT_CLAIMABLE"


# A case in these states takes no new match, claim or hold for its needs (closed, or with another agency).
INACTIVE_CASE_STATES = (CaseState.CLOSED, CaseState.FOLLOW_UP, CaseState.REFERRED)


async def ensure_case_active(session: AsyncSession, need: Need) -> None:
    """Refuse a new link for a need whose case is closed or referred away (409 CASE_NOT_ACTIVE)."""
    state = CaseState(await repository.case_state_of(session, need))
    if state in INACTIVE_CASE_STATES:
        raise CaseNotActive(
            f"The need's case is {state.value}: nothing more is matched, claimed or held for it.",
            f"该需求所属个案处于「{state.label}」状态，不能再对接、认领或预留。",
            current_state=state.value,
        )


def ensure_claimable_kind(need: Need) -> None:
    """Donors give things and money; a care need is met by a volunteer the station assigns."""
    if need.kind == NeedKind.CARE.value:
        raise NotClaimable(
            "A care need is met by a volunteer the station assigns, not claimed by a donor.",
            "关爱服务需求由社工站安排志愿者对接，不能由捐赠方认领。",
        )


async def get(session: AsyncSession, principal: Principal, need_id: uuid.UUID, *, lock: bool = False) -> Need:
    need = await repository.get(session, principal, need_id, lock=lock)
    if need is None:
        raise not_found()
    return need


async def publish(session: AsyncSession, principal: Principal, data: NeedPublish) -> Need:
    """Publish a need from an active case; it opens for matching and (anonymised) for donors."""
    ensure_writer(principal)
    case = await cases.get(session, principal, data.case_id)
    if CaseState(case.state) in (CaseState.INTAKE, CaseState.CLOSED):
        raise Conflict(
            "Needs are published from a case after intake and before closing.",
            "需求须在个案接案后、结案前发布。",
        )
    if data.deadline is not None and data.deadline <= clock.now():
        raise BadInput("The deadline has already passed.", "截止时间已过。")
    await public_text.ensure_publishable(session, principal, case.recipient_id, {"title": data.title})
    project_id = data.project_id or case.project_id
    if project_id is not None:
        await projects.get(session, principal, project_id)
    need = Need(
        kind=data.kind.value,
        case_id=case.id,
        recipient_id=case.recipient_id,
        platform_id=case.platform_id,
        region_code=case.region_code,
        project_id=project_id,
        title=data.title,
        description=data.description,
        item_category=data.item_category.value if data.item_category else None,
        quantity=data.quantity,
        estimated_value=data.estimated_value,
        visits_per_month=data.visits_per_month,
        visit_minutes=data.visit_minutes,
        skills=[s.value for s in data.skills],
        languages=[lang.value for lang in data.languages],
        amount=data.amount,
        deadline=data.deadline,
        state=NeedState.OPEN.value,
        published_by=principal.subject,
    )
    await repository.add(session, need)
    await record_change(
        session,
        principal,
        action="publish",
        entity="need",
        entity_id=need.id,
        scope=await scope_of(session, need),
        event="need.published",
        payload={"kind": need.kind, "region_code": need.region_code, "platform_id": need.platform_id},
    )
    return need


async def update(
    session: AsyncSession, principal: Principal, need_id: uuid.UUID, data: NeedUpdate, if_match: str | None
) -> Need:
    """Edit an open need; concurrent edits of one version: exactly one wins, the other gets 412."""
    need = await get(session, principal, need_id, lock=True)  # out of scope: 404 for every role
    ensure_writer(principal)
    check_version(if_match, need.version)
    if NeedState(need.state) is not NeedState.OPEN:
        raise Conflict("Only an open need can be edited.", "只有待认领的需求可以修改。", current_state=need.state)
    changes = data.model_dump(exclude_unset=True)
    not_editable = set(changes) - EDITABLE[NeedKind(need.kind)]
    if not_editable:
        raise BadInput(f"A {need.kind} has no {', '.join(sorted(not_editable))}.", "字段与需求类型不符。")
    await public_text.ensure_publishable(session, principal, need.recipient_id, {"title": changes.get("title")})
    for field, value in changes.items():
        setattr(need, field, value)
    await _bump(session, need)
    await record_change(
        session,
        principal,
        action="update",
        entity="need",
        entity_id=need.id,
        scope=await scope_of(session, need),
        fields=sorted(changes),
    )
    return need


async def _bump(session: AsyncSession, need: Need) -> None:
    need.version += 1
    need.updated_at = clock.now()
    await session.flush()


async def _transition(
    session: AsyncSession, principal: Principal, need: Need, target: NeedState, payload: dict[str, object]
) -> None:
    ensure_allowed(NeedState(need.state), target)
    previous, need.state = need.state, target.value
    await _bump(session, need)
    await record_change(
        session,
        principal,
        action=target.value,
        entity="need",
        entity_id=need.id,
        scope=await scope_of(session, need),
        event=f"need.{target.value}",
        payload={"from": previous, "platform_id": need.platform_id, **payload},
        fields=["state"],
    )


async def hold(
    session: AsyncSession, principal: Principal, need_id: uuid.UUID, data: NeedHold, if_match: str | None
) -> Need:
    """Reserve an open need (the "try" of try–confirm–cancel) until `until`."""
    ensure_writer(principal)
    need = await get(session, principal, need_id, lock=True)
    if if_match is not None:
        check_version(if_match, need.version)
    if need.state == NeedState.PENDING.value and need.pending_reference == data.reference:
        return need  # a retried try: already reserved for this reference
    if need.state == NeedState.MATCHED.value and need.matched_reference == data.reference:
        return need  # a retried try that a concurrent copy already carried to the end
    if data.until <= clock.now():
        raise BadInput("The reservation would already have lapsed.", "预留截止时间已过。")
    await ensure_case_active(session, need)
    await _transition(session, principal, need, NeedState.PENDING, {"reference": data.reference})
    need.pending_reference, need.pending_until = data.reference, data.until
    await session.flush()
    return need


def _ensure_reference(need: Need, reference: str) -> None:
    if need.pending_reference != reference:
        raise Conflict("The need is reserved for something else.", "该需求已为其他资源预留。", current_state=need.state)


async def release(session: AsyncSession, principal: Principal, need_id: uuid.UUID, reference: str) -> Need:
    """Cancel a reservation — or undo a match whose resource could not be committed: the need is
    open again. Only the reference it was reserved (or matched) for may release it; twice is harmless."""
    ensure_writer(principal)
    need = await get(session, principal, need_id, lock=True)
    if need.state in LIVE_STATES and reference in parts.references(need):
        return await _release_part(session, principal, need, reference)
    if need.state == NeedState.OPEN.value:
        return need
    if need.state == NeedState.MATCHED.value and need.matched_reference == reference:
        await _transition(session, principal, need, NeedState.OPEN, {"reference": reference, "undo": "match"})
        need.matched_reference = None
        await session.flush()
        return need
    _ensure_reference(need, reference)
    await _transition(session, principal, need, NeedState.OPEN, {"reference": reference})
    need.pending_reference = need.pending_until = None
    await session.flush()
    return need


LIVE_STATES = parts.LIVE_STATES


async def _release_part(session: AsyncSession, principal: Principal, need: Need, reference: str) -> Need:
    """A part's hold lapsed or was given back: the need lacks that much again (and is open if it was matched)."""
    parts.remove_part(need, reference)
    if need.state == NeedState.MATCHED.value:
        await _transition(session, principal, need, NeedState.OPEN, {"reference": reference, "undo": "part"})
        need.matched_reference = None
        await session.flush()
        return need
    await _bump(session, need)
    await record_change(
        session,
        principal,
        action="part_released",
        entity="need",
        entity_id=need.id,
        scope=await scope_of(session, need),
        fields=["parts"],
    )
    return need


async def confirm(
    session: AsyncSession, principal: Principal, need_id: uuid.UUID, reference: str, amount: Decimal | None = None
) -> Need:
    """Confirm a reservation: the need is matched to what was held for it. A funding need takes the
    held `amount` as a part: it opens again for the rest until the part that completes it."""
    ensure_writer(principal)
    need = await get(session, principal, need_id, lock=True)
    if need.state == NeedState.MATCHED.value and need.matched_reference == reference:
        return need
    if need.kind == NeedKind.FUNDING.value:
        return await _confirm_part(session, principal, need, reference, amount)
    if need.state == NeedState.PENDING.value:
        _ensure_reference(need, reference)
    await _transition(session, principal, need, NeedState.MATCHED, {"reference": reference})
    need.matched_reference, need.pending_reference, need.pending_until = reference, None, None
    await session.flush()
    return need


async def _confirm_part(
    session: AsyncSession, principal: Principal, need: Need, reference: str, amount: Decimal | None
) -> Need:
    if need.state in LIVE_STATES and reference in parts.references(need):
        return need  # a retried confirmation of a part already counted
    if need.state != NeedState.PENDING.value:
        ensure_allowed(NeedState(need.state), NeedState.MATCHED)
    _ensure_reference(need, reference)
    complete = parts.add_part(need, reference, amount)
    target = NeedState.MATCHED if complete else NeedState.OPEN
    part = need.parts[-1]["amount"]
    await _transition(session, principal, need, target, {"reference": reference, "part": part})
    need.matched_reference = reference if complete else None
    need.pending_reference = need.pending_until = None
    await session.flush()
    return need


async def fulfil(session: AsyncSession, principal: Principal, need_id: uuid.UUID, data: NeedFulfilment) -> Need:
    """Record that the need was met, with proof and the recipient's feedback."""
    ensure_writer(principal)
    need = await get(session, principal, need_id, lock=True)
    texts = {"proof_note": data.proof_note, "feedback": data.feedback}
    await public_text.ensure_publishable(session, principal, need.recipient_id, texts)
    ensure_own_photo_url(need.id, data.proof_photo_url)
    await _transition(session, principal, need, NeedState.FULFILLED, {"reference": need.matched_reference})
    need.proof_note = data.proof_note
    need.feedback = data.feedback
    need.fulfilled_at = clock.now()
    await session.flush()
    return need


async def close(session: AsyncSession, principal: Principal, need_id: uuid.UUID) -> Need:
    ensure_writer(principal)
    need = await get(session, principal, need_id, lock=True)
    await _transition(session, principal, need, NeedState.CLOSED, {})
    return need


async def cancel(session: AsyncSession, principal: Principal, need_id: uuid.UUID, reason: str) -> Need:
    ensure_writer(principal)
    need = await get(session, principal, need_id, lock=True)
    await _transition(session, principal, need, NeedState.CANCELLED, {"reason": reason})
    need.pending_reference = need.pending_until = None
    await session.flush()
    return need


async def lapse_and_expire(database: Database) -> int:
    """Background job: lapsed reservations reopen, open needs past their deadline expire.

    Each is one UPDATE; with several replicas running it, row locks make each need change once.
    """
    now = clock.now()
    async with database.sessions() as session, session.begin():
        changed = 0
        for event, rows in (
            ("need.open", await repository.lapse_pending(session, now)),
            ("need.expired", await repository.expire_past_deadline(session, now)),
        ):
            for need_id, platform_id in rows:
                need = await session.get(Need, need_id)
                assert need is not None
                await record_event(
                    session,
                    event=event,
                    entity="need",
                    entity_id=need_id,
                    scope=await scope_of(session, need),
                    payload={"platform_id": platform_id, "reason": "lapsed" if event == "need.open" else "deadline"},
                )
            changed += len(rows)
    return changed


CLAIM_SCOPE = "wishes:claim"


def ensure_claimant(principal: Principal) -> None:
    """Donors claim through an app (scope `wishes:claim`) or as organisation staff."""
    if principal.role is Role.APP_CLIENT and principal.has_scope(CLAIM_SCOPE):
        return
    if principal.role is Role.ORG_STAFF and principal.org_id is not None:
        return
    raise Forbidden(f"Claiming a wish needs the {CLAIM_SCOPE} scope.", f"认领心愿需要 {CLAIM_SCOPE} 权限。")


async def _public_need(session: AsyncSession, need_id: uuid.UUID) -> Need:
    need = await repository.lock_public(session, need_id)
    if need is None:
        raise NotFound("Wish not found.", "未找到该心愿。")
    return need


async def ticket_for(session: AsyncSession, principal: Principal, need_id: uuid.UUID, settings: Settings) -> str:
    """A sealed ticket naming the need's owner and region, for a hold in resources (staff who may write it)."""
    ensure_writer(principal)
    need = await get(session, principal, need_id)
    await ensure_case_active(session, need)
    return await _seal_ticket(session, principal, need, settings)


async def public_ticket_for(session: AsyncSession, principal: Principal, need_id: uuid.UUID, settings: Settings) -> str:
    """The same for a donor's pledge on an open wish: sealed, so the app learns nothing beyond the feed."""
    ensure_claimant(principal)
    need = await repository.public_need(session, need_id)
    if need is None or need.state != NeedState.OPEN.value:
        raise NotFound("No open wish to claim.", "没有可认领的心愿。")
    ensure_claimable_kind(need)
    await ensure_case_active(session, need)
    return await _seal_ticket(session, principal, need, settings)


async def _seal_ticket(session: AsyncSession, principal: Principal, need: Need, settings: Settings) -> str:
    path = await platform_repository.path_of(session, need.platform_id)
    ticket = NeedTicket(
        need.id,
        need.platform_id,
        path,
        need.region_code,
        principal.subject,
        need_kind=need.kind,
        title=need.title,
        lacking=parts.lacking_text(need),
    )
    return seal(ticket, settings)


async def claim(
    session: AsyncSession, principal: Principal, need_id: uuid.UUID, receipt_token: str, settings: Settings
) -> Need:
    """A donor's claim reserves an open wish (it leaves the public feed) while the pledge stands.

    Only a pledge can claim: the resources service's receipt names the hold that carries the gift,
    and the reservation lasts the claim period the platform sets (`WUSHE_CLAIM_TTL_S`), not what
    the caller asks. Of many donors claiming one wish at once, exactly one succeeds: the row is
    locked and only an open wish can be claimed. A retry with the same receipt is a success.
    """
    ensure_claimant(principal)
    receipt = unseal(PledgeReceipt, receipt_token, principal, settings)
    if receipt.need_id != need_id:
        raise TicketInvalid("The receipt is for another wish.", "该凭据属于另一个心愿。")
    reference = f"hold:{receipt.hold_id}"
    need = await _public_need(session, need_id)
    if need.state == NeedState.PENDING.value and need.pending_reference == reference:
        return need
    ensure_claimable_kind(need)
    await ensure_case_active(session, need)
    await _transition(session, principal, need, NeedState.PENDING, {"reference": reference, "claim": True})
    need.pending_reference = reference
    need.pending_until = clock.now() + timedelta(seconds=settings.claim_ttl_s)
    await session.flush()
    return need


async def release_claim(session: AsyncSession, principal: Principal, need_id: uuid.UUID, reference: str) -> Need:
    """Withdraw one's own claim: the wish is open (and public) again."""
    ensure_claimant(principal)
    need = await _public_need(session, need_id)
    if need.state == NeedState.OPEN.value:
        return need
    _ensure_reference(need, reference)
    await _transition(session, principal, need, NeedState.OPEN, {"reference": reference, "claim": True})
    need.pending_reference = need.pending_until = None
    await session.flush()
    return need
