"""Business rules for cases: opening, the service process, service records and referrals."""

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from services.case.cases import repository, state_machine, summaries
from services.case.cases.schemas import (
    Case,
    CaseOpen,
    CaseUpdate,
    ReferralCreate,
    ServiceRecordCreate,
    TransitionRequest,
)
from services.case.kit import record_change, record_event, scope_of
from services.case.models import Case as CaseRow
from services.case.models import CaseTransition, Referral, ServiceRecord
from services.case.platforms import repository as platforms
from services.case.projects import service as projects
from services.case.recipients import service as recipients
from services.case.scoping import can_write
from services.common.auth import Principal
from services.common.clock import clock
from services.common.concurrency import check_version
from services.common.errors import BadInput, Forbidden, InvalidTransition, NotFound
from services.common.vocabulary import CaseState, ReferralState, RiskLevel, ServiceDomain


def not_found() -> NotFound:
    return NotFound("Case not found.", "未找到该个案。")


def ensure_writer(principal: Principal) -> None:
    if not can_write(principal):
        raise Forbidden("Only platform staff work on cases.", "只有社工平台工作人员可以处理个案。")


def case_view(row: CaseRow, principal: Principal) -> Case:
    state = CaseState(row.state)
    return Case(
        id=row.id,
        recipient_id=row.recipient_id,
        platform_id=row.platform_id,
        region_code=row.region_code,
        project_id=row.project_id,
        domain=ServiceDomain(row.domain),
        assigned_worker_id=row.assigned_worker_id,
        risk_level=RiskLevel(row.risk_level),
        state=state,
        allowed_transitions=state_machine.allowed_from(state),
        summary=None,  # decrypted, shown and audited by views.present
        version=row.version,
        opened_at=row.opened_at,
        closed_at=row.closed_at,
        created_at=row.created_at,
    )


async def get(session: AsyncSession, principal: Principal, case_id: uuid.UUID, *, lock: bool = False) -> CaseRow:
    row = await repository.get(session, principal, case_id, lock=lock)
    if row is None:
        raise not_found()
    return row


async def _check_worker(session: AsyncSession, principal: Principal, worker_id: uuid.UUID | None) -> None:
    if worker_id is not None and not await platforms.get_staff(session, principal, [worker_id]):
        raise BadInput("The assigned worker is not staff you can see.", "指派的社工不在您的平台范围内。")


async def open_case(session: AsyncSession, principal: Principal, data: CaseOpen) -> CaseRow:
    """Take a recipient on (接案): the case starts at intake at the recipient's platform."""
    ensure_writer(principal)
    recipient = await recipients.get(session, principal, data.recipient_id)
    await _check_worker(session, principal, data.assigned_worker_id)
    if data.project_id is not None:
        await projects.get(session, principal, data.project_id)
    row = CaseRow(
        recipient_id=recipient.id,
        platform_id=recipient.platform_id,
        region_code=recipient.region_code,
        project_id=data.project_id,
        domain=data.domain.value,
        assigned_worker_id=data.assigned_worker_id,
        risk_level=data.risk_level.value,
        state=CaseState.INTAKE.value,
        summary_encrypted=summaries.seal(session, data.summary),
    )
    await repository.add(session, row)
    await record_change(
        session,
        principal,
        action="create",
        entity="case",
        entity_id=row.id,
        scope=await scope_of(session, row),
        event="case.opened",
        payload={"platform_id": row.platform_id, "domain": row.domain},
    )
    return row


async def update(
    session: AsyncSession, principal: Principal, case_id: uuid.UUID, data: CaseUpdate, if_match: str | None
) -> CaseRow:
    row = await get(session, principal, case_id, lock=True)  # out of scope: 404 for every role
    ensure_writer(principal)
    check_version(if_match, row.version)
    changes = data.model_dump(exclude_unset=True)
    if "assigned_worker_id" in changes:
        await _check_worker(session, principal, data.assigned_worker_id)
    if changes.get("project_id") is not None:
        await projects.get(session, principal, changes["project_id"])
    for field, value in changes.items():
        if field == "summary":
            row.summary_encrypted = summaries.seal(session, value)
        else:
            setattr(row, field, value.value if hasattr(value, "value") else value)
    row.version += 1
    await session.flush()
    await record_change(
        session,
        principal,
        action="update",
        entity="case",
        entity_id=row.id,
        scope=await scope_of(session, row),
        fields=sorted(changes),
    )
    return row


async def move(session: AsyncSession, principal: Principal, row: CaseRow, target: CaseState, note: str) -> None:
    """Record one state change with actor, time and note, and its event."""
    session.add(
        CaseTransition(case_id=row.id, from_state=row.state, to_state=target.value, actor=principal.subject, note=note)
    )
    previous, row.state = row.state, target.value
    row.closed_at = clock.now() if target is CaseState.CLOSED else None
    row.version += 1
    await session.flush()
    await record_change(
        session,
        principal,
        action="transition",
        entity="case",
        entity_id=row.id,
        scope=await scope_of(session, row),
        event="case.transitioned",
        payload={"from": previous, "to": target.value, "platform_id": row.platform_id},
        fields=["state"],
    )


async def advance(
    session: AsyncSession, principal: Principal, case_id: uuid.UUID, data: TransitionRequest, if_match: str | None
) -> CaseRow:
    """Move a case along its service process; only the transitions in the table succeed."""
    ensure_writer(principal)
    row = await get(session, principal, case_id, lock=True)
    if if_match is not None:
        check_version(if_match, row.version)
    state_machine.ensure_direct(CaseState(row.state), data.to_state)
    await move(session, principal, row, data.to_state, data.note)
    return row


async def add_record(
    session: AsyncSession, principal: Principal, case_id: uuid.UUID, data: ServiceRecordCreate
) -> ServiceRecord:
    """A visit, a policy briefing, a resource linked…: what was done, when, by whom, for how many."""
    ensure_writer(principal)
    case = await get(session, principal, case_id)
    await _check_worker(session, principal, data.worker_id)
    if data.served_on > clock.today():
        raise BadInput("A service record cannot be in the future.", "服务记录日期不能晚于今天。")
    record = ServiceRecord(
        case_id=case.id,
        platform_id=case.platform_id,
        region_code=case.region_code,
        kind=data.kind.value,
        served_on=data.served_on,
        worker_id=data.worker_id,
        beneficiaries=data.beneficiaries,
        note=data.note,
        recorded_by=principal.subject,
    )
    await repository.add(session, record)
    scope = await scope_of(session, case)
    await record_change(session, principal, action="create", entity="service_record", entity_id=record.id, scope=scope)
    # The event is about the case (its aggregate), as before.
    await record_event(
        session,
        event="service_record.added",
        entity="case",
        entity_id=case.id,
        scope=scope,
        payload={"kind": record.kind, "beneficiaries": record.beneficiaries},
    )
    return record


async def refer(session: AsyncSession, principal: Principal, case_id: uuid.UUID, data: ReferralCreate) -> Referral:
    """Send the case to another agency (转介); the case waits in `referred` for the outcome."""
    ensure_writer(principal)
    case = await get(session, principal, case_id, lock=True)
    state_machine.ensure_referrable(CaseState(case.state))
    referral = Referral(
        case_id=case.id,
        platform_id=case.platform_id,
        region_code=case.region_code,
        to_agency=data.to_agency,
        reason=data.reason,
        state=ReferralState.SENT.value,
        from_state=case.state,
    )
    await repository.add(session, referral)
    await move(session, principal, case, CaseState.REFERRED, f"转介至 {data.to_agency}")
    await record_change(
        session,
        principal,
        action="create",
        entity="referral",
        entity_id=referral.id,
        scope=await scope_of(session, referral),
        event="referral.sent",
        payload={"case_id": case.id},
    )
    return referral


# Referral outcomes: allowed source states, and where the case goes (None = stays referred).
REFERRAL_OUTCOMES: dict[ReferralState, tuple[frozenset[ReferralState], CaseState | None]] = {
    ReferralState.ACCEPTED: (frozenset({ReferralState.SENT}), None),
    ReferralState.DECLINED: (frozenset({ReferralState.SENT}), CaseState.INTERVENTION),
    ReferralState.CANCELLED: (frozenset({ReferralState.SENT, ReferralState.ACCEPTED}), CaseState.INTERVENTION),
    # The other agency's service is done; the worker decides the next step from where the case was,
    # so completing a referral never skips the station's own intervention (issue 17).
    ReferralState.COMPLETED: (frozenset({ReferralState.ACCEPTED}), CaseState.INTERVENTION),
}


async def settle_referral(
    session: AsyncSession, principal: Principal, referral_id: uuid.UUID, outcome: ReferralState, note: str
) -> Referral:
    """Close the loop of a referral; a declined, cancelled or completed one returns the case where it was."""
    ensure_writer(principal)
    referral = await repository.get_referral(session, principal, referral_id)
    if referral is None:
        raise NotFound("Referral not found.", "未找到该转介。")
    sources, case_target = REFERRAL_OUTCOMES[outcome]
    current = ReferralState(referral.state)
    if current not in sources:
        raise InvalidTransition(
            f"A referral that is {current.value} cannot become {outcome.value}.",
            f"状态为「{current.label}」的转介不能变为「{outcome.label}」。",
            current_state=current.value,
        )
    referral.state, referral.outcome = outcome.value, note
    referral.updated_at = clock.now()
    referral.version += 1
    if case_target is not None:
        case = await get(session, principal, referral.case_id, lock=True)
        back = CaseState(referral.from_state) if case_target is CaseState.INTERVENTION else case_target
        await move(session, principal, case, back, f"转介{outcome.label}：{note}")
    await record_change(
        session,
        principal,
        action=outcome.value,
        entity="referral",
        entity_id=referral.id,
        scope=await scope_of(session, referral),
        event=f"referral.{outcome.value}",
        payload={"case_id": referral.case_id},
    )
    return referral


async def history(session: AsyncSession, principal: Principal, case_id: uuid.UUID) -> Sequence[CaseTransition]:
    await get(session, principal, case_id)
    return await repository.transitions(session, principal, case_id)
