"""Funds in the graph: the public disclosure of a fund (慈善信息公开), its ledger for the
organisation that runs it, and donations into it."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Self

import strawberry
from strawberry.types import Info

from gateway.auth import caller, public_reader
from gateway.clients.base import UpstreamError
from gateway.context import GatewayContext
from gateway.ids import local_id
from gateway.outcomes import messages, outcome, refusal_for
from gateway.types.common import Conflict, Connection, InvalidInput, NotFound, connection, keys_of
from gateway.types.resources import FundPurpose, LedgerEntry, purpose_of
from services.common.vocabulary import Role
from services.resources import contract as c
from services.resources.contract import LedgerEntryKind

GInfo = Info[GatewayContext, None]


@strawberry.type(description="One line of a fund's public ledger; individual donors' names arrive masked.")
class DisclosedEntry:
    kind: LedgerEntryKind
    amount: Decimal
    purpose: FundPurpose | None
    donor: str | None
    reference: str
    at: datetime


@strawberry.type(description="A fund's income, spending and balance, line by line (慈善信息公开).")
class FundDisclosure:
    title: str
    organization: str | None
    income: Decimal
    spending: Decimal
    balance: Decimal
    entries: list[DisclosedEntry]
    next_cursor: str | None

    @classmethod
    def from_model(cls, m: c.FundDisclosure) -> Self:
        return cls(
            title=m.title,
            organization=m.organization,
            income=m.income,
            spending=m.spending,
            balance=m.balance,
            entries=[
                DisclosedEntry(
                    kind=LedgerEntryKind(e.kind),
                    amount=e.amount,
                    purpose=purpose_of(e.purpose),
                    donor=e.donor,
                    reference=e.reference,
                    at=e.at,
                )
                for e in m.entries
            ],
            next_cursor=m.next_cursor,
        )


@strawberry.type
class DonationRecorded:
    amount: Decimal
    reference: str
    at: datetime
    entry_id: strawberry.ID = strawberry.field(description="The ledger entry (a LedgerEntry global id)")
    receipt_number: str | None = strawberry.field(description="收据编号: fund and Beijing year, e.g. 2026-000123")
    entry: LedgerEntry

    @classmethod
    def from_model(cls, m: c.LedgerEntry) -> Self:
        entry = LedgerEntry.from_model(m)
        return cls(
            amount=m.amount,
            reference=m.reference,
            at=m.created_at,
            entry_id=entry.id,
            receipt_number=m.receipt_number,
            entry=entry,
        )


@refusal_for("DUPLICATE_REFERENCE")
@strawberry.type(description="This receipt or bank reference is already booked in the fund: the same money twice.")
class DuplicateReference:
    message: str
    message_zh: str
    reference: str = strawberry.field(description="The reference already booked")
    code: str = "DUPLICATE_REFERENCE"

    @classmethod
    def from_refusal(cls, exc: UpstreamError) -> Self:
        message, message_zh = messages(exc)
        return cls(message=message, message_zh=message_zh, reference=str(exc.problem.get("reference") or ""))


RecordDonationResult = Annotated[
    DonationRecorded | DuplicateReference | InvalidInput | NotFound | Conflict,
    strawberry.union("RecordDonationResult"),
]


async def fund_disclosure(
    info: GInfo, fund_id: strawberry.ID, first: int = 20, after: str | None = None
) -> FundDisclosure | None:
    """Where a fund's money came from and went, for anyone (apps with `offers:read`)."""
    public_reader(info, "offers:read")
    disclosure = await info.context.upstreams.resources.funds.disclosure(
        local_id(fund_id, "Offer"), limit=max(1, min(first, 100)), cursor=after
    )
    return FundDisclosure.from_model(disclosure)


async def fund_ledger(
    info: GInfo, fund_id: strawberry.ID, first: int = 20, after: str | None = None
) -> Connection[LedgerEntry] | None:
    """A fund's ledger, newest first, for the organisation that runs it (donors unmasked, their
    reading audited) and civil affairs in its region; anyone else gets NOT_FOUND."""
    caller(info, scope="offers:write", roles=frozenset({Role.ORG_STAFF, Role.CIVIL_AFFAIRS_ADMIN}))
    page = await info.context.upstreams.resources.funds.entries(
        local_id(fund_id, "Offer"), limit=max(1, min(first, 100)), cursor=after
    )
    return connection([LedgerEntry.from_model(m) for m in page.items], keys_of(page.items), page.next_cursor)


async def record_donation(
    info: GInfo,
    fund_id: strawberry.ID,
    amount: Decimal,
    donor_name: str,
    reference: str,
    donor_is_individual: bool = True,
    idempotency_key: str | None = None,
) -> RecordDonationResult:
    """A foundation or charity books a donation into one of its funds (the balance follows the ledger).

    The same `idempotencyKey` books once and answers the same; a reference already booked in the fund
    is `DuplicateReference`."""
    caller(info, roles=frozenset({Role.ORG_STAFF}))
    body: dict[str, Any] = {
        "kind": "donation",
        "amount": str(amount),
        "donor_name": donor_name,
        "donor_is_individual": donor_is_individual,
        "reference": reference,
    }
    funds = info.context.upstreams.resources.funds
    fund = local_id(fund_id, "Offer")
    return await outcome(
        lambda: funds.record(fund, body, idempotency_key=idempotency_key),
        DonationRecorded.from_model,
        RecordDonationResult,
    )


@strawberry.type
class FundsQueryFields:
    """The query fields this module resolves (merged into the schema's root type)."""

    fund_disclosure = strawberry.field(resolver=fund_disclosure)
    fund_ledger = strawberry.field(resolver=fund_ledger)


@strawberry.type
class FundsMutationFields:
    """The mutations this module resolves (merged into the schema's root type)."""

    record_donation = strawberry.mutation(resolver=record_donation)
