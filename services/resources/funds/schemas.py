"""Ledger payloads and the public disclosure (慈善信息公开)."""

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, field_validator

from services.common.fields import FundPurpose, Payload, PersonName, ShortText
from services.common.money import PositiveYuan, SignedYuan, YuanOut
from services.common.regions import RegionCode

EntryKind = Literal["donation", "disbursement", "adjustment", "reversal"]


class DonationCreate(Payload):
    kind: Literal["donation"]
    amount: PositiveYuan
    donor_name: PersonName
    donor_is_individual: bool = Field(description="Individual donors' names are masked in public.")
    reference: ShortText = Field(description="Receipt number or bank reference.")


class DisbursementCreate(Payload):
    kind: Literal["disbursement"]
    amount: PositiveYuan
    need_id: uuid.UUID
    need_region: RegionCode
    purpose: FundPurpose
    reference: ShortText


class AdjustmentCreate(Payload):
    kind: Literal["adjustment"]
    amount: SignedYuan = Field(description="Signed; never zero.")
    reference: ShortText = Field(description="Why the books are adjusted.")

    @field_validator("amount")
    @classmethod
    def not_zero(cls, value: object) -> object:
        if value == 0:
            raise ValueError("an adjustment cannot be zero / 调整金额不能为零")
        return value


LedgerEntryCreate = Annotated[DonationCreate | DisbursementCreate | AdjustmentCreate, Field(discriminator="kind")]


class LedgerEntry(BaseModel):
    id: uuid.UUID
    fund_id: uuid.UUID
    kind: EntryKind
    amount: YuanOut = Field(description="Signed: money in is positive, money out negative.")
    need_id: uuid.UUID | None
    hold_id: uuid.UUID | None
    purpose: str | None
    donor_name: str | None
    reference: str
    receipt_number: str | None = Field(
        default=None, description="收据编号 of a donation: fund and Beijing year, 2026-000123"
    )
    reverses_id: uuid.UUID | None = Field(default=None, description="The entry a reversal corrects")
    reversed_by_id: uuid.UUID | None = Field(default=None, description="The reversal that corrected this entry")
    created_at: datetime


class ReversalCreate(Payload):
    reason: ShortText = Field(description="Why the entry is reversed (shown on the ledger and the receipt)")


class DisclosedEntry(BaseModel):
    kind: EntryKind
    amount: YuanOut
    purpose: str | None
    donor: str | None = Field(description="Organisations by name; individuals masked (王**).")
    reference: str
    at: datetime


class FundDisclosure(BaseModel):
    fund_id: uuid.UUID
    title: str
    organization: str | None
    income: YuanOut
    spending: YuanOut
    balance: YuanOut
    entries: list[DisclosedEntry]
    next_cursor: str | None = None
