"""Corrections a volunteer asks for (志愿服务时长更正申请), decided by whoever organised the service.

谁组织谁记录: the organiser records hours, so the organiser — the activity's, or for anything else
the staff of the volunteer's platform — approves or refuses a volunteer's request. An approved
request becomes one `correction` entry of the ledger; a refused one stays on record with its reason.
"""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from services.common.auth import Principal
from services.common.clock import clock
from services.common.errors import Forbidden, InvalidTransition, NotFound
from services.common.pagination import Page
from services.common.vocabulary import Role
from services.volunteers.activities import auth as activity_auth
from services.volunteers.activities import repository as activity_repository
from services.volunteers.hours import repository as hours_repository
from services.volunteers.hours.schemas import CorrectionDecision, CorrectionRequestCreate, CorrectionRequestOut
from services.volunteers.kit import record_change, scope_of
from services.volunteers.models import Activity, CorrectionRequest, HoursEntry, Volunteer
from services.volunteers.volunteers import auth as volunteer_auth
from services.volunteers.volunteers import repository as volunteer_repository
from services.volunteers.volunteers import service as volunteer_service


def not_found(request_id: uuid.UUID) -> NotFound:
    return NotFound(f"No correction request {request_id}.", f"未找到时长更正申请 {request_id}。")


async def _volunteer(session: AsyncSession, principal: Principal, volunteer_id: uuid.UUID) -> Volunteer:
    volunteer = await volunteer_repository.get(session, principal, volunteer_id, lock=True)
    if volunteer is None:
        raise volunteer_service.not_found(volunteer_id)
    return volunteer


async def request(
    session: AsyncSession, principal: Principal, volunteer_id: uuid.UUID, body: CorrectionRequestCreate
) -> CorrectionRequestOut:
    """The volunteer (or staff managing them, on their behalf) asks for a correction."""
    volunteer = await _volunteer(session, principal, volunteer_id)
    own = principal.role is Role.VOLUNTEER and principal.volunteer_id == volunteer.id
    if not own and not volunteer_auth.may_manage(principal, volunteer):
        raise Forbidden("Only the volunteer may ask for a correction.", "只有志愿者本人可以申请更正时长。")
    if body.activity_id is not None:
        activity = await activity_repository.get(session, principal, body.activity_id)
        if activity is None:
            raise NotFound(f"No activity {body.activity_id}.", f"未找到活动 {body.activity_id}。")
    row = CorrectionRequest(
        volunteer_id=volunteer.id,
        activity_id=body.activity_id,
        minutes=body.minutes,
        reason=body.reason,
        state="requested",
        requested_by=principal.subject,
    )
    await hours_repository.add_request(session, row)
    await record_change(
        session,
        principal,
        action="requested",
        entity="hours_correction_request",
        entity_id=row.id,
        scope=scope_of(volunteer),
        event="hours.correction_requested",
        payload={"volunteer_id": volunteer.id, "minutes": body.minutes, "activity_id": body.activity_id},
    )
    return CorrectionRequestOut.model_validate(row)


async def search(
    session: AsyncSession,
    principal: Principal,
    volunteer_id: uuid.UUID,
    state: str | None,
    cursor: str | None,
    limit: int,
) -> Page[CorrectionRequestOut]:
    if await volunteer_repository.get(session, principal, volunteer_id) is None:
        raise volunteer_service.not_found(volunteer_id)
    rows, next_cursor = await hours_repository.correction_requests.search(
        session, principal, cursor=cursor, limit=limit, volunteer_id=volunteer_id, state=state
    )
    return Page[CorrectionRequestOut](
        items=[CorrectionRequestOut.model_validate(r) for r in rows], next_cursor=next_cursor
    )


async def batch(session: AsyncSession, principal: Principal, ids: list[uuid.UUID]) -> list[CorrectionRequestOut]:
    rows = {r.id: r for r in await hours_repository.correction_requests.get_many(session, principal, ids)}
    return [CorrectionRequestOut.model_validate(rows[i]) for i in ids if i in rows]


async def _require_decider(session: AsyncSession, principal: Principal, row: CorrectionRequest) -> Activity | Volunteer:
    """The activity's organiser decides a request about it; the volunteer's platform staff the rest.
    Returns the record whose scope the decision carries."""
    if row.activity_id is not None:
        activity = await activity_repository.get(session, principal, row.activity_id)
        if activity is not None and activity_auth.may_manage(principal, activity):
            return activity
        raise Forbidden(
            "Only the activity's organiser may decide this correction.", "只有活动组织方可以审核该时长更正申请。"
        )
    volunteer = await volunteer_repository.get(session, principal, row.volunteer_id)
    if volunteer is None or not volunteer_auth.may_manage(principal, volunteer):
        raise Forbidden(
            "Only the staff of the volunteer's platform may decide this correction.",
            "只有志愿者所属平台的工作人员可以审核该时长更正申请。",
        )
    return volunteer


async def decide(
    session: AsyncSession, principal: Principal, request_id: uuid.UUID, approve: bool, body: CorrectionDecision
) -> CorrectionRequestOut:
    """Approve (one correction entry enters the ledger) or refuse (with a note) a request."""
    row = await hours_repository.correction_requests.get(session, principal, request_id, lock=True)
    if row is None:
        raise not_found(request_id)
    owner = await _require_decider(session, principal, row)
    if row.state != "requested":
        raise InvalidTransition(f"The request is already {row.state}.", "该更正申请已审核。")
    if not approve and not body.note:
        raise InvalidTransition("Say why the correction is refused.", "驳回更正申请须说明理由。")
    if approve:  # the ledger entry first: an approved request always names its entry
        entry = HoursEntry(
            volunteer_id=row.volunteer_id,
            kind="correction",
            minutes=row.minutes,
            activity_id=row.activity_id,
            reason=row.reason,
            recorded_by=principal.subject,
        )
        await hours_repository.add(session, entry)
        row.hours_entry_id = entry.id
    row.state = "approved" if approve else "refused"
    row.decided_by, row.decided_at, row.decision_note = principal.subject, clock.now(), body.note
    row.version += 1
    await session.flush()
    await record_change(
        session,
        principal,
        action=row.state,
        entity="hours_correction_request",
        entity_id=row.id,
        scope=scope_of(owner),
        event=f"hours.correction_{row.state}",
        payload={"volunteer_id": row.volunteer_id, "minutes": row.minutes, "state": row.state},
    )
    return CorrectionRequestOut.model_validate(row)
