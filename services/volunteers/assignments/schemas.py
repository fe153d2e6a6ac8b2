"""Care assignment and visit log payloads."""

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from services.common.fields import ClockTime, LongText, PastInstant, Payload, PlannedDate, ShortText, Weekday
from services.common.regions import RegionCode
from services.common.tickets import SealedTicket
from services.common.vocabulary import CareAssignmentState, CareVisitOutcome, VolunteerHoursState, WellbeingFlag


class CareSchedule(Payload):
    """Weekly visits in local time, e.g. Tuesday 15:00 for 60 minutes."""

    frequency: Literal["weekly"] = "weekly"
    weekday: Weekday
    start: ClockTime
    duration_minutes: Annotated[int, Field(ge=15, le=480)]


class AssignmentCreate(Payload):
    volunteer_id: uuid.UUID
    need_id: uuid.UUID = Field(description="The care need in the case service")
    platform_id: uuid.UUID
    region: RegionCode
    schedule: CareSchedule
    starts_on: PlannedDate
    ends_on: PlannedDate | None = None
    visit_address: ShortText = Field(description="Stored encrypted; shown only while assigned")
    need_ticket: SealedTicket | None = Field(
        default=None,
        description="`POST /v1/needs/{id}/ticket` of the case service: the need's platform path and region "
        "(must agree with `platform_id` and `region`). Required for a platform other than your own.",
    )


class AssignmentOut(BaseModel):
    id: uuid.UUID
    volunteer_id: uuid.UUID
    need_id: uuid.UUID
    platform_id: uuid.UUID
    region: str
    schedule: CareSchedule
    starts_on: date
    ends_on: date | None
    state: CareAssignmentState
    visit_address: str
    address_masked: bool
    version: int
    created_at: datetime


class VisitCreate(Payload):
    """A visit log; a missed visit adds no hours."""

    visited_at: PastInstant
    outcome: Literal["done", "missed"]
    minutes: Annotated[int, Field(ge=1, le=720)] | None = Field(
        default=None, description="Defaults to the scheduled duration for a done visit"
    )
    notes: LongText = ""
    wellbeing_flags: Annotated[list[WellbeingFlag], Field(max_length=6)] = Field(default_factory=list)


class VisitOut(BaseModel):
    id: uuid.UUID
    assignment_id: uuid.UUID
    volunteer_id: uuid.UUID
    visited_at: datetime
    outcome: CareVisitOutcome
    minutes: int
    notes: str
    wellbeing_flags: list[WellbeingFlag]
    recorded_by: str
    hours_state: VolunteerHoursState = Field(
        description="none (missed), pending (awaiting the organiser) or approved (in the ledger)"
    )
    created_at: datetime

    model_config = ConfigDict(from_attributes=True)
