"""Care assignments: create with an encrypted visit address, end, and log visits (hours)."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from services.common.auth import Principal
from services.common.clock import beijing, clock
from services.common.errors import BadInput, NotFound
from services.common.fields import CLOCK_SKEW
from services.common.pagination import Page
from services.common.personal_data import PersonalDataVault, mask_address
from services.common.settings import Settings
from services.common.tickets import NeedTicket, TicketInvalid, unseal
from services.common.vocabulary import CareAssignmentState
from services.volunteers.assignments import auth
from services.volunteers.assignments import repository as assignment_repository
from services.volunteers.assignments.schemas import (
    AssignmentCreate,
    AssignmentOut,
    CareSchedule,
    VisitCreate,
    VisitOut,
)
from services.volunteers.commitments.service import ensure_free_for_schedule
from services.volunteers.hours import repository as hours_repository
from services.volunteers.kit import record_change, record_personal_read, scope_of
from services.volunteers.models import CareAssignment, HoursEntry, VisitLog
from services.volunteers.refusals import AssignmentEnded, NoPendingHours, VisitOutsideAssignment, VolunteerRejected
from services.volunteers.scoping import owning_path
from services.volunteers.volunteers import repository as volunteer_repository
from services.volunteers.volunteers import service as volunteer_service


def not_found(assignment_id: uuid.UUID) -> NotFound:
    return NotFound(f"No care assignment {assignment_id}.", f"未找到关爱服务安排 {assignment_id}。")


async def present_all(
    session: AsyncSession,
    principal: Principal,
    vault: PersonalDataVault,
    rows: list[CareAssignment],
) -> list[AssignmentOut]:
    """Assignments as this caller may see them; unmasked addresses are audited."""
    items = []
    for row in rows:
        shown = auth.may_see_address(principal, row)
        address = vault.decrypt(row.address_encrypted)
        items.append(
            AssignmentOut(
                id=row.id,
                volunteer_id=row.volunteer_id,
                need_id=row.need_id,
                platform_id=row.platform_id,
                region=row.region,
                schedule=CareSchedule.model_validate(row.schedule),
                starts_on=row.starts_on,
                ends_on=row.ends_on,
                state=CareAssignmentState(row.state),
                visit_address=address if shown else mask_address(address),
                address_masked=not shown,
                version=row.version,
                created_at=row.created_at,
            )
        )
    unmasked = [(str(row.id), scope_of(row)) for row, item in zip(rows, items, strict=True) if not item.address_masked]
    if unmasked:
        await record_personal_read(session, principal, "care_assignment", unmasked, ["visit_address"])
    return items


def _owning_path(principal: Principal, settings: Settings, body: AssignmentCreate) -> str:
    """An assignment serves a need of the case service: its need ticket vouches for the need's
    platform path and region, which the body must repeat (without one, the caller's own platform)."""
    if body.need_ticket is None:
        return owning_path(principal, settings, body.platform_id, body.region, None)
    need = unseal(NeedTicket, body.need_ticket, principal, settings)
    if (need.need_id, need.platform_id, need.region_code) != (body.need_id, body.platform_id, body.region):
        raise TicketInvalid(
            "The ticket is for another need, platform or region.", "该凭据属于另一个需求、平台或行政区划。"
        )
    return need.platform_path


async def create(
    session: AsyncSession, principal: Principal, vault: PersonalDataVault, body: AssignmentCreate, settings: Settings
) -> AssignmentOut:
    """Assign a volunteer to a care need; refused when the slot clashes with their commitments."""
    platform_path = _owning_path(principal, settings, body)
    auth.require_manage(principal, platform_path, body.region)
    if body.ends_on is not None and body.ends_on < body.starts_on:
        raise BadInput("ends_on must not precede starts_on.", "结束日期不能早于开始日期。")
    volunteer = await volunteer_repository.get(session, principal, body.volunteer_id, lock=True)
    if volunteer is None:
        raise volunteer_service.not_found(body.volunteer_id)
    if volunteer.verification == "rejected":
        raise VolunteerRejected(
            "The platform rejected this volunteer's registration.", "该志愿者的注册未通过审核，不能承担关爱服务。"
        )
    schedule = body.schedule.model_dump(mode="json")
    await ensure_free_for_schedule(session, volunteer.id, schedule, body.starts_on, body.ends_on, clock.now())
    assignment = CareAssignment(
        volunteer_id=volunteer.id,
        need_id=body.need_id,
        platform_id=body.platform_id,
        platform_path=platform_path,
        region=body.region,
        schedule=schedule,
        starts_on=body.starts_on,
        ends_on=body.ends_on,
        state="active",
        address_encrypted=vault.encrypt(body.visit_address),
    )
    await assignment_repository.add(session, assignment)
    await record_change(
        session,
        principal,
        action="created",
        entity="care_assignment",
        entity_id=assignment.id,
        scope=scope_of(assignment),
        event="assignment.created",
        payload={"volunteer_id": volunteer.id, "need_id": body.need_id, "schedule": schedule},
    )
    return (await present_all(session, principal, vault, [assignment]))[0]


async def get(
    session: AsyncSession, principal: Principal, vault: PersonalDataVault, assignment_id: uuid.UUID
) -> AssignmentOut:
    row = await assignment_repository.get(session, principal, assignment_id)
    if row is None:
        raise not_found(assignment_id)
    return (await present_all(session, principal, vault, [row]))[0]


async def search(
    session: AsyncSession,
    principal: Principal,
    vault: PersonalDataVault,
    volunteer_id: uuid.UUID | None,
    state: str | None,
    cursor: str | None,
    limit: int,
) -> Page[AssignmentOut]:
    rows, next_cursor = await assignment_repository.search(
        session, principal, cursor=cursor, limit=limit, volunteer_id=volunteer_id, state=state
    )
    items = await present_all(session, principal, vault, list(rows))
    return Page[AssignmentOut](items=items, next_cursor=next_cursor)


async def batch(
    session: AsyncSession, principal: Principal, vault: PersonalDataVault, ids: list[uuid.UUID]
) -> list[AssignmentOut]:
    rows = {r.id: r for r in await assignment_repository.get_many(session, principal, ids)}
    return await present_all(session, principal, vault, [rows[i] for i in ids if i in rows])


async def end(
    session: AsyncSession, principal: Principal, vault: PersonalDataVault, assignment_id: uuid.UUID
) -> AssignmentOut:
    """End an active assignment; the volunteer no longer sees the address."""
    row = await assignment_repository.get(session, principal, assignment_id, lock=True)
    if row is None:
        raise not_found(assignment_id)
    auth.require_manage(principal, row.platform_path, row.region)
    if row.state != "active":
        raise AssignmentEnded("The assignment has already ended.", "该关爱服务安排已结束。")
    row.state = "ended"
    row.version += 1
    await session.flush()
    await record_change(
        session,
        principal,
        action="ended",
        entity="care_assignment",
        entity_id=row.id,
        scope=scope_of(row),
        event="assignment.ended",
        payload={"state": "ended"},
    )
    return (await present_all(session, principal, vault, [row]))[0]


async def log_visit(
    session: AsyncSession, principal: Principal, assignment_id: uuid.UUID, body: VisitCreate
) -> VisitOut:
    """Log a visit; a done visit adds its minutes to the ledger, a missed one adds none.

    Wellbeing flags raise a `visit.flagged` event so the station sees them."""
    row = await assignment_repository.get(session, principal, assignment_id, lock=True)
    if row is None:
        raise not_found(assignment_id)
    auth.require_log_visit(principal, row)
    if row.state != "active":
        raise AssignmentEnded("The assignment has ended.", "该关爱服务安排已结束。")
    _require_within_assignment(row, body)
    done = body.outcome == "done"
    minutes = (body.minutes or row.schedule["duration_minutes"]) if done else 0
    visit = VisitLog(
        assignment_id=row.id,
        volunteer_id=row.volunteer_id,
        visited_at=body.visited_at,
        outcome=body.outcome,
        minutes=minutes,
        notes=body.notes,
        wellbeing_flags=[flag.value for flag in body.wellbeing_flags],
        recorded_by=principal.subject,
        hours_state="pending" if done else "none",
    )
    await assignment_repository.add(session, visit)
    payload = {
        "assignment_id": row.id,
        "volunteer_id": row.volunteer_id,
        "outcome": body.outcome,
        "minutes": minutes,
    }
    await record_change(
        session,
        principal,
        action="logged",
        entity="visit_log",
        entity_id=visit.id,
        scope=scope_of(row),
        event="visit.logged",
        payload=payload,
    )
    if visit.wellbeing_flags:
        await record_change(
            session,
            principal,
            action="flagged",
            entity="visit_log",
            entity_id=visit.id,
            scope=scope_of(row),
            event="visit.flagged",
            payload={**payload, "platform_id": row.platform_id, "wellbeing_flags": visit.wellbeing_flags},
        )
    return VisitOut.model_validate(visit)


def _require_within_assignment(row: CareAssignment, body: VisitCreate) -> None:
    """A visit happened: not in the future, and on a Beijing day the assignment covers."""
    if body.visited_at > clock.now() + CLOCK_SKEW:
        raise BadInput("A visit cannot be in the future.", "探访时间不能晚于现在。")
    day = beijing(body.visited_at).date()
    if day < row.starts_on or (row.ends_on is not None and day > row.ends_on):
        raise VisitOutsideAssignment(
            f"The visit ({day}) lies outside the assignment ({row.starts_on} to {row.ends_on or '…'}).",
            f"探访日期 {day} 不在关爱服务安排期间（{row.starts_on} 起）。",
        )


async def approve_visit_hours(session: AsyncSession, principal: Principal, visit_id: uuid.UUID) -> VisitOut:
    """The organiser (staff managing the assignment) approves a done visit's minutes into the
    volunteer's hours ledger — the same approval an activity's minutes go through."""
    visit = await assignment_repository.visits.get(session, principal, visit_id, lock=True)
    if visit is None:
        raise NotFound(f"No visit {visit_id}.", f"未找到探访记录 {visit_id}。")
    row = await assignment_repository.get(session, principal, visit.assignment_id)
    if row is None:
        raise NotFound(f"No visit {visit_id}.", f"未找到探访记录 {visit_id}。")
    auth.require_manage(principal, row.platform_path, row.region)
    if visit.hours_state != "pending":
        raise NoPendingHours(
            "Only a done visit's minutes awaiting approval can be approved.", "只有待审核的探访时长可以审核通过。"
        )
    visit.hours_state = "approved"
    await session.flush()
    await _record_visit_hours(session, principal, visit, row)
    return VisitOut.model_validate(visit)


async def _record_visit_hours(
    session: AsyncSession, principal: Principal, visit: VisitLog, assignment: CareAssignment
) -> None:
    entry = HoursEntry(
        volunteer_id=visit.volunteer_id,
        kind="care_visit",
        minutes=visit.minutes,
        visit_id=visit.id,
        recorded_by=principal.subject,
    )
    await hours_repository.add(session, entry)
    await record_change(
        session,
        principal,
        action="recorded",
        entity="hours_entry",
        entity_id=entry.id,
        scope=scope_of(assignment),
        event="hours.recorded",
        payload={"volunteer_id": visit.volunteer_id, "kind": "care_visit", "minutes": visit.minutes},
    )


async def visits(
    session: AsyncSession,
    principal: Principal,
    assignment_id: uuid.UUID | None,
    flagged_only: bool,
    cursor: str | None,
    limit: int,
) -> Page[VisitOut]:
    rows, next_cursor = await assignment_repository.visits.search(
        session, principal, cursor=cursor, limit=limit, assignment_id=assignment_id, flagged_only=flagged_only
    )
    return Page[VisitOut](items=[VisitOut.model_validate(r) for r in rows], next_cursor=next_cursor)


async def batch_visits(session: AsyncSession, principal: Principal, ids: list[uuid.UUID]) -> list[VisitOut]:
    rows = {r.id: r for r in await assignment_repository.visits.get_many(session, principal, ids)}
    return [VisitOut.model_validate(rows[i]) for i in ids if i in rows]
