"""Funds in the graph: the public disclosure of a fund (慈善信息公开) and donations into it."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from gateway.auth import caller, public_reader
from gateway.context import GatewayContext
from gateway.ids import local_id
from gateway.mutations.inputs import idempotency_headers
from gateway.outcomes import outcome
from gateway.types.common import Conflict, InvalidInput, NotFound
from services.common.vocabulary import Role

GInfo = Info[GatewayContext, None]


@strawberry.type(description="One line of a fund's public ledger; individual donors' names arrive masked.")
class DisclosedEntry:
    kind: str
    amount: Decimal
    purpose: str | None
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


@strawberry.type
class DonationRecorded:
    amount: Decimal
    reference: str
    at: datetime
    entry_id: strawberry.ID = strawberry.field(description="The ledger entry (for reverseLedgerEntry and the receipt)")
    receipt_number: str | None = strawberry.field(description="收据编号: fund and Beijing year, e.g. 2026-000123")


RecordDonationResult = Annotated[
    DonationRecorded | InvalidInput | NotFound | Conflict, strawberry.union("RecordDonationResult")
]


def _disclosure(r: dict[str, Any]) -> FundDisclosure:
    return FundDisclosure(
        title=r["title"],
        organization=r["organization"],
        income=Decimal(r["income"]),
        spending=Decimal(r["spending"]),
        balance=Decimal(r["balance"]),
        entries=[
            DisclosedEntry(
                kind=e["kind"],
                amount=Decimal(e["amount"]),
                purpose=e["purpose"],
                donor=e["donor"],
                reference=e["reference"],
                at=datetime.fromisoformat(e["at"]),
            )
            for e in r["entries"]
        ],
        next_cursor=r["next_cursor"],
    )


async def fund_disclosure(
    info: GInfo, fund_id: strawberry.ID, first: int = 20, after: str | None = None
) -> FundDisclosure | None:
    """Where a fund's money came from and went, for anyone (apps with `offers:read`)."""
    public_reader(info, "offers:read")
    body = await info.context.upstreams.resources.get(
        f"/v1/funds/{local_id(fund_id, 'Offer')}/disclosure", limit=max(1, min(first, 100)), cursor=after
    )
    return _disclosure(body)


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
    is a Conflict `DUPLICATE_REFERENCE`."""
    caller(info, roles=frozenset({Role.ORG_STAFF}))
    body = {
        "kind": "donation",
        "amount": str(amount),
        "donor_name": donor_name,
        "donor_is_individual": donor_is_individual,
        "reference": reference,
    }
    client = info.context.upstreams.resources
    path = f"/v1/funds/{local_id(fund_id, 'Offer')}/entries"
    return await outcome(
        lambda: client.post(path, body, headers=idempotency_headers(idempotency_key)),
        lambda r: DonationRecorded(
            amount=Decimal(r["amount"]),
            reference=r["reference"],
            at=datetime.fromisoformat(r["created_at"]),
            entry_id=strawberry.ID(str(r["id"])),
            receipt_number=r.get("receipt_number"),
        ),
    )


@strawberry.type
class FundsQueryFields:
    """The query fields this module resolves (merged into the schema's root type)."""

    fund_disclosure = strawberry.field(resolver=fund_disclosure)


@strawberry.type
class FundsMutationFields:
    """The mutations this module resolves (merged into the schema's root type)."""

    record_donation = strawberry.mutation(resolver=record_donation)
