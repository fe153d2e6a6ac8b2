"""Corrections of a fund's books are reversing entries, never edits (issue 17).

A reversal books the opposite amount of one entry and names it (`reverses_id`); the counters move
as the original's did. Each entry is reversed at most once (a unique index backs the check), a
reversal is not itself reversed (book the entry again instead), and a payment of a hold stays the
linking saga's (releasing the hold returns the money).
"""

import uuid
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.auth import Principal
from services.common.errors import Conflict, NotFound, OverAllocated
from services.resources.funds import repository as ledger_repository
from services.resources.funds import service as fund_service
from services.resources.funds.schemas import LedgerEntry, ReversalCreate
from services.resources.kit import offer_scope, record_change
from services.resources.models import LedgerEntry as LedgerEntryRow


class AlreadyReversed(Conflict):
    code = "ALREADY_REVERSED"


class NotReversible(Conflict):
    code = "NOT_REVERSIBLE"


def _already(original: LedgerEntryRow, reversal_id: uuid.UUID | None) -> AlreadyReversed:
    return AlreadyReversed(
        "This entry is already reversed; an entry is reversed once.",
        "该笔记录已冲正，每笔记录只能冲正一次。",
        entry_id=str(original.id),
        reversal_id=str(reversal_id) if reversal_id else None,
    )


async def entry_of(
    session: AsyncSession, principal: Principal, fund_id: uuid.UUID, entry_id: uuid.UUID
) -> LedgerEntryRow:
    entry = await ledger_repository.get_entry(session, principal, fund_id, entry_id)
    if entry is None:
        raise NotFound("No such ledger entry.", "未找到该笔台账记录。")
    return entry


async def reverse(
    session: AsyncSession, principal: Principal, fund_id: uuid.UUID, entry_id: uuid.UUID, body: ReversalCreate
) -> LedgerEntry:
    """Book the opposite of one entry, once (the fund's own staff)."""
    fund = await fund_service.managed_fund(session, principal, fund_id)
    original = await ledger_repository.get_entry(session, principal, fund_id, entry_id, lock=True)
    if original is None:
        raise NotFound("No such ledger entry.", "未找到该笔台账记录。")
    if original.kind == "reversal":
        raise NotReversible(
            "A reversal is not reversed; book the entry again.", "冲正记录不能再冲正，请重新登记原记录。"
        )
    if original.hold_id is not None:
        raise NotReversible(
            "A payment of a hold is undone by releasing the hold, not by a reversal.",
            "对接预留的支付须通过释放预留撤回，不能冲正。",
        )
    existing = await ledger_repository.reversal_of(session, principal, original.id)
    if existing is not None:
        raise _already(original, existing.id)
    label = original.receipt_number or original.reference
    fields: dict[str, Any] = {
        "reverses_id": original.id,
        "need_id": original.need_id,
        "purpose": original.purpose,
        "donor_name": original.donor_name,
        "donor_is_individual": original.donor_is_individual,
        "reference": f"冲正 {label}：{body.reason}"[:200],
        "actor": principal.subject,
    }
    try:
        async with session.begin_nested():
            row = await ledger_repository.append(
                session, fund.id, "reversal", -original.amount, entry=fields, counts_as=original.kind
            )
    except IntegrityError as exc:
        if "uq_ledger_entries_reverses_id" not in str(exc.orig):
            raise
        raise _already(original, None) from exc
    if row is None:
        raise OverAllocated(
            f"The fund does not have {abs(original.amount)} yuan available to reverse this entry.",
            f"该资金可用余额不足 {abs(original.amount)} 元，无法冲正。",
            available=await fund_service.available_in(session, principal, fund.id),
        )
    entry = LedgerEntry.model_validate(row._mapping)
    await record_change(
        session,
        principal,
        action="entry_reversed",
        entity="fund",
        entity_id=fund.id,
        scope=offer_scope(fund),
        event="fund.entry_reversed",
        payload={"entry_id": entry.id, "reverses_id": original.id, "amount": entry.amount},
    )
    return entry
