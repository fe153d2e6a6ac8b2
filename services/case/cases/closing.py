"""Closing a case decides what becomes of its open needs, in the same request (issue 17).

Every need of the case that is open, reserved or matched must be named in the close request:
cancelled (its hold is then released by the linking reconciler; a care need's assignment is
ended by the gateway) or kept with a reason (a closed case takes no new link, so a kept need
is only fulfilled on what it already has). An undecided need refuses the close with the list.
"""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from services.case.cases import service, state_machine
from services.case.cases.schemas import NeedDecision, TransitionRequest
from services.case.kit import record_change, scope_of
from services.case.models import Case as CaseRow
from services.case.models import Need
from services.case.needs import repository as needs_repository
from services.case.needs import service as needs_service
from services.common.auth import Principal
from services.common.concurrency import check_version
from services.common.errors import BadInput, Conflict
from services.common.vocabulary import CaseState


class UndecidedNeeds(Conflict):
    code = "UNDECIDED_NEEDS"


def _undecided(needs: list[Need]) -> UndecidedNeeds:
    titles = "、".join(n.title for n in needs)
    return UndecidedNeeds(
        f"Decide what becomes of {len(needs)} open need(s) before closing the case: cancel or keep with a reason.",
        f"结案前请决定 {len(needs)} 项未完成需求（{titles}）的去向：取消，或说明理由后保留。",
        undecided=[{"id": str(n.id), "kind": n.kind, "title": n.title, "state": n.state} for n in needs],
    )


async def _settle(
    session: AsyncSession, principal: Principal, row: CaseRow, decisions: list[NeedDecision]
) -> list[str]:
    """Carry out the decisions; returns a line per kept need (need and reason) for the transition's note."""
    open_needs = list(await needs_repository.open_of_case(session, principal, row.id))
    by_id = {d.need_id: d for d in decisions}
    if len(by_id) != len(decisions):
        raise BadInput("A need is decided twice.", "同一需求不能有两个决定。", field="needs")
    stray = set(by_id) - {n.id for n in open_needs}
    if stray:
        raise BadInput(
            "A decision names a need that is not an open need of this case.",
            "所列需求不是本个案的未完成需求。",
            field="needs",
            needs=sorted(str(i) for i in stray),
        )
    undecided = [n for n in open_needs if n.id not in by_id]
    if undecided:
        raise _undecided(undecided)
    kept: list[str] = []
    for need in open_needs:
        decision = by_id[need.id]
        if decision.decision == "cancel":
            await needs_service.cancel(session, principal, need.id, decision.reason or "结案取消")
            continue
        # Audited only: an event would read as a state change of the need, which stays as it is.
        await record_change(
            session,
            principal,
            action="keep_on_close",
            entity="need",
            entity_id=need.id,
            scope=await scope_of(session, need),
        )
        kept.append(f"保留「{need.title}」：{decision.reason}")
    return kept


async def advance(
    session: AsyncSession, principal: Principal, case_id: uuid.UUID, data: TransitionRequest, if_match: str | None
) -> CaseRow:
    """A transition; closing settles the case's open needs first, in the same unit of work."""
    if data.to_state is not CaseState.CLOSED:
        return await service.advance(session, principal, case_id, data, if_match)
    service.ensure_writer(principal)
    row = await service.get(session, principal, case_id, lock=True)
    if if_match is not None:
        check_version(if_match, row.version)
    state_machine.ensure_direct(CaseState(row.state), data.to_state)
    kept = await _settle(session, principal, row, data.needs)
    note = "\n".join([data.note, *kept]).strip()[:2000]
    await service.move(session, principal, row, data.to_state, note)
    return row
