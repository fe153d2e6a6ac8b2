"""Offer payloads: one shape for every kind, with figures in units or in yuan."""

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from services.common.clock import clock
from services.common.fields import FundPurpose, LongText, Payload, PlannedInstant, ShortText
from services.common.money import PositiveYuan, Quantity, YuanOut
from services.common.regions import RegionPrefix
from services.common.vocabulary import ItemCategory, OfferKind

OfferStatus = Literal["draft", "published", "paused", "exhausted", "expired"]


def _not_past(value: datetime) -> datetime:
    if value <= clock.now():
        raise ValueError("valid_until has already passed / 有效期截止时间已过")
    return value


# An offer's validity ends ahead of now and within the planning horizon (WUSHE_PLANNING_HORIZON_DAYS).
FutureValidity = Annotated[PlannedInstant, AfterValidator(_not_past)]


class FundRestrictions(Payload):
    purposes: Annotated[list[FundPurpose], Field(max_length=20)] = Field(
        default_factory=list, description="Item categories or need kinds; empty = any purpose."
    )
    region_prefixes: Annotated[list[RegionPrefix], Field(max_length=50)] = Field(
        default_factory=list, description="Regions the money may go to; empty = the offer's scope."
    )
    cap_per_need: PositiveYuan | None = Field(default=None, description="At most this much per need.")


class OfferCreate(Payload):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "kind": "material",
                    "title": "冬季棉被",
                    "category": "bedding",
                    "quantity": 20,
                    "region_prefix": "1507",
                },
                {
                    "kind": "fund",
                    "title": "困境儿童助学金",
                    "amount": "5000.00",
                    "region_prefix": "1507",
                    "restrictions": {"purposes": ["school_supplies"], "cap_per_need": "500.00"},
                },
            ]
        }
    )

    kind: OfferKind
    title: ShortText
    description: LongText = ""
    category: ItemCategory | None = Field(default=None, description="Required for material offers.")
    quantity: Quantity | None = Field(default=None, description="Units; every kind but funds.")
    amount: PositiveYuan | None = Field(default=None, description="Opening balance in yuan; funds only.")
    region_prefix: RegionPrefix
    valid_from: PlannedInstant | None = None
    valid_until: FutureValidity | None = None
    restrictions: FundRestrictions | None = Field(default=None, description="Funds only.")

    @model_validator(mode="after")
    def figures_match_kind(self) -> Self:
        fund = self.kind is OfferKind.FUND
        if fund and self.quantity is not None:
            raise ValueError("a fund has an amount, not a quantity / 资金类资源使用金额")
        if not fund and (self.amount is not None or self.restrictions is not None):
            raise ValueError("only funds have an amount or restrictions / 仅资金类资源有金额与限定")
        if not fund and self.quantity is None:
            raise ValueError("quantity is required / 须填写数量")
        if self.kind is OfferKind.MATERIAL and self.category is None:
            raise ValueError("material offers need a category / 物资须填写类别")
        if self.valid_from and self.valid_until and self.valid_until <= self.valid_from:
            raise ValueError("valid_until must be after valid_from / 截止时间须晚于开始时间")
        return self


class OfferUpdate(Payload):
    """Title, description and end of validity; the status changes only by publish and pause."""

    title: ShortText | None = None
    description: LongText | None = None
    valid_until: FutureValidity | None = None


class UnitFigures(BaseModel):
    total: int
    held: int
    delivered: int
    available: int


class AmountFigures(BaseModel):
    total: YuanOut = Field(description="Money in (sum of donations and adjustments).")
    held: YuanOut
    delivered: YuanOut = Field(description="Money paid out (sum of disbursements).")
    available: YuanOut
    balance: YuanOut = Field(description="total − delivered = the sum of the ledger entries.")


class Offer(BaseModel):
    id: uuid.UUID
    org_id: uuid.UUID
    kind: OfferKind
    category: ItemCategory | None
    title: str
    description: str
    region_prefix: str
    valid_from: datetime
    valid_until: datetime | None
    status: OfferStatus
    units: UnitFigures | None = Field(description="Quantities, for every kind but funds.")
    money: AmountFigures | None = Field(description="Yuan, for funds.")
    restrictions: FundRestrictions | None
    version: int
    created_at: datetime

    @classmethod
    def of(cls, row: object) -> "Offer":
        from services.resources.models import Offer as OfferRow

        assert isinstance(row, OfferRow)
        available = row.total - row.held - row.delivered
        fund = row.kind == OfferKind.FUND.value
        return cls(
            id=row.id,
            org_id=row.org_id,
            kind=OfferKind(row.kind),
            category=ItemCategory(row.category) if row.category else None,
            title=row.title,
            description=row.description,
            region_prefix=row.region_prefix,
            valid_from=row.valid_from,
            valid_until=row.valid_until,
            status=row.status,  # type: ignore[arg-type]
            units=None
            if fund
            else UnitFigures(
                total=int(row.total),
                held=int(row.held),
                delivered=int(row.delivered),
                available=int(available),
            ),
            money=AmountFigures(
                total=row.total,
                held=row.held,
                delivered=row.delivered,
                available=available,
                balance=row.total - row.delivered,
            )
            if fund
            else None,
            restrictions=FundRestrictions(
                purposes=row.purposes,
                region_prefixes=row.restricted_regions,
                cap_per_need=row.cap_per_need,
            )
            if fund
            else None,
            version=row.version,
            created_at=row.created_at,
        )


def as_decimal(quantity: int | Decimal) -> Decimal:
    return Decimal(quantity).quantize(Decimal("0.01"))
