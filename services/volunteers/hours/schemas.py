"""Hours ledger payloads: minutes are exact integers, hours exact decimals (never floats)."""

import uuid
from datetime import datetime
from decimal import ROUND_DOWN, Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, computed_field, field_validator

from services.common.fields import Payload, ShortText
from services.common.vocabulary import HoursCorrectionState, HoursEntryKind


def minutes_as_hours(minutes: int) -> Decimal:
    """Exact to the minute would need repeating decimals; hours are shown to 2 places, down."""
    return (Decimal(minutes) / Decimal(60)).quantize(Decimal("0.01"), rounding=ROUND_DOWN)


class HoursCorrection(Payload):
    """A manual correction (positive or negative minutes) with the reason for it."""

    minutes: Annotated[int, Field(ge=-1_000_000, le=1_000_000)]
    reason: ShortText

    @field_validator("minutes")
    @classmethod
    def _not_zero(cls, value: int) -> int:
        if value == 0:
            raise ValueError("a correction must change something / 更正时长不能为0")
        return value


class HoursEntryOut(BaseModel):
    id: uuid.UUID
    volunteer_id: uuid.UUID
    kind: HoursEntryKind = Field(description="activity, care_visit or correction")
    minutes: int
    activity_id: uuid.UUID | None
    signup_id: uuid.UUID | None
    visit_id: uuid.UUID | None
    reason: str | None
    recorded_by: str
    created_at: datetime

    model_config = ConfigDict(from_attributes=True)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def hours(self) -> Decimal:
        return minutes_as_hours(self.minutes)


class HoursSummary(BaseModel):
    volunteer_id: uuid.UUID
    total_minutes: int
    total_hours: Decimal
    minutes_by_kind: dict[str, int]
    pending_minutes: int = Field(
        default=0, description="Checked-out and visit minutes awaiting the organiser's approval (not in the total)"
    )
    star_level: int = Field(description="0–5 (星级), from STAR_LEVEL_THRESHOLD_HOURS")
    minutes_to_next_level: int | None


class ServiceRecord(BaseModel):
    """A certificate-style record of a volunteer's service (志愿服务记录证明)."""

    volunteer_id: uuid.UUID
    name: str
    region: str
    platform_id: uuid.UUID
    summary: HoursSummary
    entries: list[HoursEntryOut]
    issued_at: datetime


class CorrectionRequestCreate(HoursCorrection):
    """A volunteer asks for a correction of their hours: minutes (±) and why; for an activity, its
    organiser decides, otherwise the staff of the volunteer's platform."""

    activity_id: uuid.UUID | None = None


class CorrectionDecision(Payload):
    """The organiser's decision; a refusal says why."""

    note: ShortText | None = None


class CorrectionRequestOut(BaseModel):
    id: uuid.UUID
    volunteer_id: uuid.UUID
    activity_id: uuid.UUID | None
    minutes: int
    reason: str
    state: HoursCorrectionState = Field(
        description="requested, approved (one correction entry in the ledger) or refused"
    )
    requested_by: str
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None
    hours_entry_id: uuid.UUID | None
    version: int
    created_at: datetime

    model_config = ConfigDict(from_attributes=True)
