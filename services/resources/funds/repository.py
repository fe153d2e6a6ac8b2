"""Every query on the fund ledger. Entries are appended together with the fund's counters."""

import uuid
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Boolean, DateTime, Row, String, Table, Uuid, func, literal, select, update
from sqlalchemy import insert as core_insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.auth import Principal
from services.common.clock import beijing, clock
from services.common.repository import ScopedRepository, equals, filter_set, first_entity_scope
from services.resources.models import Hold, LedgerEntry, Offer
from services.resources.models.offers import MONEY
from services.resources.scoping import readable

# A declarative class's table is a Table; `__table__` is typed as any FromClause (a mapping may be
# onto a join or a select), which INSERT does not accept.
ENTRIES = cast(Table, LedgerEntry.__table__)
ZERO = Decimal("0.00")


async def _next_receipt_number(session: AsyncSession, fund_id: uuid.UUID) -> str:
    """收据编号: the fund's next number of this Beijing year. The fund's row is locked first, so the
    read (a statement of its own) sees every donation committed before and two never share one."""
    await session.execute(select(Offer.id).where(Offer.id == fund_id).with_for_update())
    year = f"{beijing(clock.now()).year}-"
    taken = select(func.max(LedgerEntry.receipt_number)).where(
        LedgerEntry.fund_id == fund_id, LedgerEntry.receipt_number.startswith(year)
    )
    last = await session.scalar(taken)
    return f"{year}{int(last[len(year) :]) + 1 if last else 1:06d}"


async def append(
    session: AsyncSession,
    fund_id: uuid.UUID,
    kind: str,
    amount: Decimal,
    *,
    from_held: Decimal = ZERO,
    entry: dict[str, Any],
    counts_as: str | None = None,
) -> Row[Any] | None:
    """Append one signed entry and move the fund's counters in the same statement.

    Donations and adjustments change `total`, disbursements `delivered` (taking `from_held`
    out of `held` when a hold is paid). The UPDATE only matches while available stays ≥ 0, so
    a payment larger than what is free inserts nothing and returns None. A reversal moves the
    counters the way its original does (`counts_as`, the original's kind). A donation gets the
    next receipt number of its fund and Beijing year (the fund's row locked first).
    """
    number = await _next_receipt_number(session, fund_id) if kind == "donation" else None
    basis = counts_as or kind
    total_delta = ZERO if basis == "disbursement" else amount
    delivered_delta = -amount if basis == "disbursement" else ZERO
    moved = (
        update(Offer)
        .where(
            Offer.id == fund_id,
            Offer.kind == "fund",
            Offer.total + total_delta - (Offer.held - from_held) - (Offer.delivered + delivered_delta) >= 0,
        )
        .values(
            total=Offer.total + total_delta,
            held=Offer.held - from_held,
            delivered=Offer.delivered + delivered_delta,
        )
        .returning(Offer.id)
        .cte("moved")
    )
    row = select(
        literal(uuid.uuid4(), Uuid()),
        moved.c.id,
        literal(kind, String()),
        literal(amount, MONEY),
        literal(entry.get("need_id"), Uuid()),
        literal(entry.get("hold_id"), Uuid()),
        literal(entry.get("purpose"), String()),
        literal(entry.get("donor_name"), String()),
        literal(bool(entry.get("donor_is_individual")), Boolean()),
        literal(entry.get("reference", ""), String()),
        literal(entry["actor"], String()),
        literal(clock.now(), DateTime(timezone=True)),
        literal(entry.get("reverses_id"), Uuid()),
        literal(number, String()),
    )
    columns = [
        "id",
        "fund_id",
        "kind",
        "amount",
        "need_id",
        "hold_id",
        "purpose",
        "donor_name",
        "donor_is_individual",
        "reference",
        "actor",
        "created_at",
        "reverses_id",
        "receipt_number",
    ]
    statement = core_insert(ENTRIES).from_select(columns, row).returning(*ENTRIES.c)
    # The counters change behind the ORM's back: callers re-read the fund with `fresh=True`.
    return (await session.execute(statement)).first()


async def spent_or_reserved_for_need(session: AsyncSession, fund_id: uuid.UUID, need_id: uuid.UUID) -> Decimal:
    """Paid out plus still reserved for one need: what a cap per need is measured against.

    An integrity check over every caller's holds, so deliberately not limited to one scope;
    it returns a sum, never rows.
    """
    paid = select(func.coalesce(-func.sum(LedgerEntry.amount), 0)).where(
        LedgerEntry.fund_id == fund_id,
        LedgerEntry.need_id == need_id,
        LedgerEntry.kind == "disbursement",
        LedgerEntry.hold_id.is_(None),
    )
    reserved = select(func.coalesce(func.sum(Hold.quantity), 0)).where(
        Hold.offer_id == fund_id,
        Hold.need_id == need_id,
        Hold.state.in_(("held", "committed", "delivered")),
    )
    return Decimal(await session.scalar(paid) or 0) + Decimal(await session.scalar(reserved) or 0)


async def lock_need_on_fund(session: AsyncSession, fund_id: uuid.UUID, need_id: uuid.UUID) -> None:
    """Serialise cap-per-need checks for one (fund, need) until the transaction ends."""
    key = uuid.uuid5(fund_id, str(need_id)).int & 0x7FFF_FFFF_FFFF_FFFF
    await session.execute(select(func.pg_advisory_xact_lock(key)))


async def sums(session: AsyncSession, principal: Principal | None, fund_id: uuid.UUID) -> tuple[Decimal, Decimal]:
    """(income, spending) derived from the entries themselves."""
    statement = readable(
        select(
            func.coalesce(func.sum(LedgerEntry.amount).filter(LedgerEntry.amount > 0), 0),
            func.coalesce(-func.sum(LedgerEntry.amount).filter(LedgerEntry.amount < 0), 0),
        ).where(LedgerEntry.fund_id == fund_id),
        principal,
    )
    income, spending = (await session.execute(statement)).one()
    return Decimal(income), Decimal(spending)


class LedgerRepository(ScopedRepository[LedgerEntry]):
    model = LedgerEntry
    filters = filter_set(fund_id=equals(LedgerEntry.fund_id))


ledger = LedgerRepository(first_entity_scope(readable))
search, get_many = ledger.search, ledger.get_many


async def reversals_of(
    session: AsyncSession, principal: Principal, entry_ids: list[uuid.UUID]
) -> dict[uuid.UUID, uuid.UUID]:
    """The reversing entry of each of these entries that has one (original id -> reversal id)."""
    if not entry_ids:
        return {}
    statement = readable(
        select(LedgerEntry.reverses_id, LedgerEntry.id).where(LedgerEntry.reverses_id.in_(entry_ids)), principal
    )
    return {original: reversal for original, reversal in (await session.execute(statement)).all() if original}


async def get_entry(
    session: AsyncSession, principal: Principal, fund_id: uuid.UUID, entry_id: uuid.UUID, *, lock: bool = False
) -> LedgerEntry | None:
    """One entry of a fund, if the caller may read the fund's ledger."""
    statement = readable(
        select(LedgerEntry).where(LedgerEntry.fund_id == fund_id, LedgerEntry.id == entry_id), principal
    )
    if lock:
        statement = statement.with_for_update()
    return await session.scalar(statement)


async def reversal_of(session: AsyncSession, principal: Principal, entry_id: uuid.UUID) -> LedgerEntry | None:
    """The entry that reversed this one, if any."""
    return await session.scalar(readable(select(LedgerEntry).where(LedgerEntry.reverses_id == entry_id), principal))
