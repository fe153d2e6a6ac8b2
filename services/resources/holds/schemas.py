"""Hold payloads."""

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.common.fields import FundPurpose
from services.common.money import PositiveYuan, Quantity, YuanOut

HoldStateCode = Literal["held", "committed", "delivered", "released", "expired"]
DEFAULT_TTL_S = 15 * 60


class HoldCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "need_id": "6f1c1c2e-8d4b-4a43-9d59-0c1f3e0b7a11",
                    "need_ticket": "gAAAAAB…",
                    "offer_id": "0b5b6a8e-2f39-4a53-8a0e-9a7e3c1d2b44",
                    "quantity": 1,
                    "ttl_seconds": 900,
                }
            ]
        },
    )

    need_id: uuid.UUID = Field(description="The need in the case service.")
    need_ticket: str = Field(
        min_length=1,
        max_length=2000,
        description="`POST /v1/needs/{id}/ticket` of the case service: names the need's owner and region.",
    )
    offer_id: uuid.UUID
    quantity: Quantity | None = Field(default=None, description="Units; every kind but funds.")
    amount: PositiveYuan | None = Field(default=None, description="Yuan; funds only.")
    purpose: FundPurpose | None = Field(default=None, description="For funds with purposes.")
    ttl_seconds: int = Field(default=DEFAULT_TTL_S, ge=10, le=30 * 24 * 3600)

    @model_validator(mode="after")
    def one_figure(self) -> Self:
        if (self.quantity is None) == (self.amount is None):
            raise ValueError("give either quantity or amount / 须且仅须填写数量或金额之一")
        return self


class Hold(BaseModel):
    id: uuid.UUID
    need_id: uuid.UUID
    need_region: str
    need_title: str = Field(default="", description="The need's public title, as the case service sealed it.")
    offer_id: uuid.UUID
    quantity: int | None
    amount: YuanOut | None
    purpose: str | None
    state: HoldStateCode
    expires_at: datetime
    version: int
    created_at: datetime

    @classmethod
    def of(cls, row: object, *, fund: bool) -> "Hold":
        from services.resources.models import Hold as HoldRow

        assert isinstance(row, HoldRow)
        size: Decimal = row.quantity
        return cls(
            id=row.id,
            need_id=row.need_id,
            need_region=row.need_region,
            need_title=row.need_title,
            offer_id=row.offer_id,
            quantity=None if fund else int(size),
            amount=size if fund else None,
            purpose=row.purpose,
            state=row.state,  # type: ignore[arg-type]
            expires_at=row.expires_at,
            version=row.version,
            created_at=row.created_at,
        )
