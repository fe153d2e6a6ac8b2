"""Pledge payloads: a donor claims a public wish (认领)."""

import uuid
from datetime import datetime
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.common.fields import PersonName, PhoneNumber, ShortText
from services.common.money import PositiveYuan, Quantity, YuanOut
from services.common.vocabulary import ItemCategory
from services.resources.holds.schemas import HoldStateCode

PLEDGE_TTL_S = 7 * 24 * 3600


class PledgeCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "need_id": "6f1c1c2e-8d4b-4a43-9d59-0c1f3e0b7a11",
                    "need_ticket": "gAAAAAB…",
                    "donor_name": "王小明",
                    "donor_contact": "13812345678",
                    "title": "一台收音机",
                    "category": "small_appliance",
                    "quantity": 1,
                },
                {
                    "need_id": "6f1c1c2e-8d4b-4a43-9d59-0c1f3e0b7a11",
                    "need_ticket": "gAAAAAB…",
                    "donor_name": "李华",
                    "donor_contact": "13912345678",
                    "amount": "200.00",
                },
            ]
        },
    )

    need_id: uuid.UUID
    need_ticket: str = Field(
        min_length=1, max_length=2000, description="`POST /v1/public-wishes/{id}/ticket` of the case service."
    )
    donor_name: PersonName
    donor_contact: PhoneNumber
    title: ShortText = Field(default="认领微心愿", description="What is given, as the donor says it.")
    category: ItemCategory | None = Field(default=None, description="For an item.")
    quantity: Quantity | None = Field(default=None, description="For an item.")
    amount: PositiveYuan | None = Field(default=None, description="For money, in yuan.")
    ttl_seconds: int = Field(
        default=PLEDGE_TTL_S, ge=10, le=PLEDGE_TTL_S, description="How long the claim stands before it lapses."
    )

    @model_validator(mode="after")
    def item_or_amount(self) -> Self:
        item = self.category is not None and self.quantity is not None and self.amount is None
        money = self.amount is not None and self.category is None and self.quantity is None
        if not (item or money):
            raise ValueError("pledge an item (category + quantity) or an amount / 须认领物品或金额其一")
        return self


class Pledge(BaseModel):
    id: uuid.UUID
    need_id: uuid.UUID
    need_region: str = Field(description="The wish's full region for staff; its county for anyone else.")
    org_id: uuid.UUID
    offer_id: uuid.UUID
    hold_id: uuid.UUID
    hold_state: HoldStateCode
    expires_at: datetime | None = Field(
        default=None, description="When the claim lapses unless the station confirms it (its hold's expiry)."
    )
    category: ItemCategory | None
    quantity: int | None
    amount: YuanOut | None
    donor_name: str = Field(description="Masked unless you may see it.")
    donor_contact: str = Field(description="Masked unless you may see it.")
    created_at: datetime
    receipt: str | None = Field(
        default=None,
        description="For the pledging caller: what `POST /v1/public-wishes/{id}/claim` of the case service "
        "asks for (valid 10 minutes; read the pledge again for a fresh one).",
    )
