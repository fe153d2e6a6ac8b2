"""Fund rules: donations in, disbursements out within restrictions, public disclosure."""

import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.auth import Principal
from services.common.errors import NotFound, OverAllocated
from services.common.personal_data import mask_name
from services.common.regions import covers
from services.common.vocabulary import OrganizationKind, Role
from services.resources.errors import DuplicateReference, OutsideFundRestrictions
from services.resources.funds import repository as ledger_repository
from services.resources.funds.schemas import (
    AdjustmentCreate,
    DisbursementCreate,
    DisclosedEntry,
    DonationCreate,
    FundDisclosure,
    LedgerEntry,
)
from services.resources.kit import offer_scope, record_change, record_personal_read
from services.resources.models import Hold, Offer, Organization
from services.resources.models import LedgerEntry as LedgerEntryRow
from services.resources.offers import auth as offer_auth
from services.resources.offers import repository as offer_repository
from services.resources.organizations import repository as organization_repository


async def record_opening(
    session: AsyncSession,
    principal: Principal,
    fund: Offer,
    organization: Organization,
    amount: Decimal,
) -> LedgerEntry:
    """A fund's opening amount is the organisation's own donation into it."""
    entry = {
        "donor_name": organization.name,
        "donor_is_individual": organization.kind == OrganizationKind.INDIVIDUAL_DONOR.value,
        "reference": "opening balance / 期初余额",
    }
    return await _append(session, principal, fund.id, "donation", amount, entry)


async def record_entry(
    session: AsyncSession,
    principal: Principal,
    fund_id: uuid.UUID,
    body: DonationCreate | DisbursementCreate | AdjustmentCreate,
) -> LedgerEntry:
    """Book a donation, a disbursement against a need, or an adjustment (the fund's own staff)."""
    fund = await _managed_fund(session, principal, fund_id)
    fields: dict[str, Any] = {"reference": body.reference}
    amount = body.amount
    if isinstance(body, DonationCreate):
        fields.update(donor_name=body.donor_name, donor_is_individual=body.donor_is_individual)
    elif isinstance(body, DisbursementCreate):
        await require_within_restrictions(session, fund, body.need_id, body.need_region, body.purpose, body.amount)
        fields.update(need_id=body.need_id, purpose=body.purpose)
        amount = -body.amount
    return await _append(session, principal, fund.id, body.kind, amount, fields)


async def pay_hold(session: AsyncSession, principal: Principal, hold: Hold) -> LedgerEntry:
    """A delivered hold on a fund is a disbursement of the held money to its need."""
    fields = {
        "need_id": hold.need_id,
        "hold_id": hold.id,
        "purpose": hold.purpose,
        # Donors read the wish, not our ids: the wish's public title (older holds carry none).
        "reference": hold.need_title or f"hold {hold.id}",
    }
    return await _append(
        session,
        principal,
        hold.offer_id,
        "disbursement",
        -hold.quantity,
        fields,
        from_held=hold.quantity,
    )


async def require_within_restrictions(
    session: AsyncSession,
    fund: Offer,
    need_id: uuid.UUID,
    need_region: str,
    purpose: str | None,
    amount: Decimal,
) -> None:
    """Refuse money for a purpose, region or amount per need the fund does not allow."""
    if fund.purposes and purpose not in fund.purposes:
        raise OutsideFundRestrictions(
            f"This fund may only be used for: {', '.join(fund.purposes)}.",
            f"该资金仅限用于：{'、'.join(fund.purposes)}。",
        )
    if fund.restricted_regions and not any(covers(p, need_region) for p in fund.restricted_regions):
        raise OutsideFundRestrictions(
            f"This fund may not be used in region {need_region}.",
            f"该资金不可用于区域 {need_region}。",
        )
    if fund.cap_per_need is not None:
        await ledger_repository.lock_need_on_fund(session, fund.id, need_id)
        used = await ledger_repository.spent_or_reserved_for_need(session, fund.id, need_id)
        if used + amount > fund.cap_per_need:
            raise OutsideFundRestrictions(
                f"At most {fund.cap_per_need} yuan per need; {used} already used.",
                f"每个需求最多 {fund.cap_per_need} 元，已使用 {used} 元。",
            )


async def disclose(session: AsyncSession, fund_id: uuid.UUID, cursor: str | None, limit: int) -> FundDisclosure:
    """The public view of a fund: totals and entries, individual donors' names masked."""
    fund = await offer_repository.get(session, None, fund_id)
    if fund is None or fund.kind != "fund":
        raise NotFound("No such fund.", "资金不存在。")
    organization = await organization_repository.get(session, None, fund.org_id)
    income, spending = await ledger_repository.sums(session, None, fund_id)
    rows, next_cursor = await ledger_repository.search(session, None, cursor=cursor, limit=limit, fund_id=fund_id)
    entries = [
        DisclosedEntry(
            kind=row.kind,  # type: ignore[arg-type]
            amount=row.amount,
            purpose=row.purpose,
            donor=mask_name(row.donor_name) if row.donor_is_individual and row.donor_name else row.donor_name,
            reference=row.reference,
            at=row.created_at,
        )
        for row in rows
    ]
    return FundDisclosure(
        fund_id=fund.id,
        title=fund.title,
        organization=organization.name if organization else None,
        income=income,
        spending=spending,
        balance=income - spending,
        entries=entries,
        next_cursor=next_cursor,
    )


async def list_entries(
    session: AsyncSession, principal: Principal, fund_id: uuid.UUID, cursor: str | None, limit: int
) -> tuple[list[LedgerEntry], str | None]:
    """The ledger for whoever may read the fund; individual donors unmasked for its own staff."""
    fund = await offer_repository.get(session, principal, fund_id)
    if fund is None or fund.kind != "fund":
        raise NotFound("No such fund.", "资金不存在。")
    rows, next_cursor = await ledger_repository.search(session, principal, cursor=cursor, limit=limit, fund_id=fund_id)
    return await _entries_out(session, principal, rows, {fund.id: fund}), next_cursor


async def entries_by_id(session: AsyncSession, principal: Principal, entry_ids: list[uuid.UUID]) -> list[LedgerEntry]:
    """The readable entries among these ids, of any fund (the gateway's batch loads)."""
    rows = await ledger_repository.get_many(session, principal, entry_ids)
    funds = await offer_repository.get_many(session, principal, list({row.fund_id for row in rows}))
    return await _entries_out(session, principal, rows, {fund.id: fund for fund in funds})


async def _entries_out(
    session: AsyncSession, principal: Principal, rows: Sequence[LedgerEntryRow], funds: dict[uuid.UUID, Offer]
) -> list[LedgerEntry]:
    """Entries as the caller may see them: individual donors unmasked for the fund's own staff
    (that read audited), each with the reversal that corrected it."""

    def own(row: LedgerEntryRow) -> bool:
        fund = funds.get(row.fund_id)
        return fund is not None and principal.role is Role.ORG_STAFF and principal.org_id == fund.org_id

    shown = [(str(row.id), offer_scope(funds[row.fund_id])) for row in rows if own(row) and row.donor_is_individual]
    if shown:
        await record_personal_read(session, principal, "ledger_entry", shown, ["donor_name"])
    reversals = await ledger_repository.reversals_of(session, principal, [row.id for row in rows])
    return [
        _entry_out(row, unmasked=own(row)).model_copy(update={"reversed_by_id": reversals.get(row.id)}) for row in rows
    ]


async def _managed_fund(session: AsyncSession, principal: Principal, fund_id: uuid.UUID) -> Offer:
    fund = await offer_repository.get(session, principal, fund_id)
    if fund is None or fund.kind != "fund":
        raise NotFound("No such fund.", "资金不存在。")
    offer_auth.require_may_manage(principal, fund)
    return fund


async def _append(
    session: AsyncSession,
    principal: Principal,
    fund_id: uuid.UUID,
    kind: str,
    amount: Decimal,
    fields: dict[str, Any],
    *,
    from_held: Decimal = ledger_repository.ZERO,
) -> LedgerEntry:
    try:
        async with session.begin_nested():  # a duplicate reference undoes only this statement
            row = await ledger_repository.append(
                session,
                fund_id,
                kind,
                amount,
                from_held=from_held,
                entry={**fields, "actor": principal.subject},
            )
    except IntegrityError as exc:
        if "uq_ledger_entries_donation_reference" not in str(exc.orig):
            raise
        raise DuplicateReference(
            f"A donation with reference {fields.get('reference')} is already booked in this fund.",
            f"该资金已登记过编号为 {fields.get('reference')} 的捐赠，请勿重复记账。",
            reference=fields.get("reference"),
        ) from exc
    if row is None:
        raise OverAllocated(
            f"The fund does not have {abs(amount)} yuan available.",
            f"该资金可用余额不足 {abs(amount)} 元。",
            available=await available_in(session, principal, fund_id),
        )
    entry = LedgerEntry.model_validate(row._mapping)
    fund = await session.get(Offer, fund_id)  # loaded by the caller already: no query
    assert fund is not None
    await record_change(
        session,
        principal,
        action="entry_recorded",
        entity="fund",
        entity_id=fund_id,
        scope=offer_scope(fund),
        event="fund.entry_recorded",
        payload={
            "entry_id": entry.id,
            "kind": kind,
            "amount": entry.amount,
            "need_id": entry.need_id,
        },
    )
    return entry


def _entry_out(row: LedgerEntryRow, *, unmasked: bool) -> LedgerEntry:
    entry = LedgerEntry.model_validate(row, from_attributes=True)
    if row.donor_is_individual and row.donor_name and not unmasked:
        return entry.model_copy(update={"donor_name": mask_name(row.donor_name)})
    return entry


async def available_in(session: AsyncSession, principal: Principal, fund_id: uuid.UUID) -> str | None:
    """What a fund has free right now (total − held − delivered), for a refusal to name."""
    fund = await offer_repository.get(session, principal, fund_id, fresh=True)
    return str(fund.total - fund.held - fund.delivered) if fund is not None else None


async def managed_fund(session: AsyncSession, principal: Principal, fund_id: uuid.UUID) -> Offer:
    """A fund the caller's organisation manages (404 unseen, 403 seen but not theirs)."""
    return await _managed_fund(session, principal, fund_id)
