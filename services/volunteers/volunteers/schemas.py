"""Volunteer payloads: create, update, search filters and the (masked) record."""

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, Field, model_validator

from services.common.fields import ClockTime, IdNumber, Payload, PersonName, PhoneNumber, Weekday, WindowEnd
from services.common.regions import RegionCode
from services.common.tickets import SealedTicket
from services.common.vocabulary import Language, Skill, VolunteerVerification

Latitude = Annotated[Decimal, Field(ge=-90, le=90, max_digits=9, decimal_places=6, allow_inf_nan=False)]
Longitude = Annotated[Decimal, Field(ge=-180, le=180, max_digits=9, decimal_places=6, allow_inf_nan=False)]


class AvailabilityWindow(Payload):
    """A weekly window in local time (China Standard Time), e.g. Tuesday 15:00–17:00."""

    weekday: Weekday
    start: ClockTime
    end: WindowEnd

    @model_validator(mode="after")
    def _start_before_end(self) -> "AvailabilityWindow":
        if self.start >= self.end:
            raise ValueError("a window must end after it starts / 时间段结束须晚于开始")
        return self


Availability = Annotated[list[AvailabilityWindow], Field(max_length=50)]


class VolunteerCreate(Payload):
    platform_id: uuid.UUID = Field(description="The station the volunteer registered with")
    name: PersonName
    phone: PhoneNumber
    id_number: IdNumber
    skills: Annotated[list[Skill], Field(max_length=20)] = Field(default_factory=list)
    languages: Annotated[list[Language], Field(max_length=10)] = Field(default_factory=list)
    region: RegionCode
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    availability: Availability = Field(default_factory=list)
    max_hours_per_week: Annotated[int, Field(ge=0, le=168)] | None = None
    platform_ticket: SealedTicket | None = Field(
        default=None,
        description="`POST /v1/platforms/{id}/ticket` of the case service: the platform's path and region. "
        "Required for a platform other than your own; with it, the platforms above see the row too.",
    )


class VolunteerUpdate(Payload):
    """Fields to change; absent fields stay as they are. Only managing staff may change `region`."""

    name: PersonName | None = None
    phone: PhoneNumber | None = None
    skills: Annotated[list[Skill], Field(max_length=20)] | None = None
    languages: Annotated[list[Language], Field(max_length=10)] | None = None
    region: RegionCode | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    availability: Availability | None = None
    max_hours_per_week: Annotated[int, Field(ge=0, le=168)] | None = None


class VerificationDecision(Payload):
    decision: Literal["verified", "rejected"]


class VolunteerOut(BaseModel):
    """A volunteer; name, phone and ID number are masked unless `personal_data_masked` is false."""

    id: uuid.UUID
    platform_id: uuid.UUID
    name: str
    phone: str
    id_number: str
    personal_data_masked: bool
    skills: list[Skill]
    languages: list[Language]
    region: str
    latitude: Decimal | None
    longitude: Decimal | None
    availability: list[AvailabilityWindow]
    max_hours_per_week: int | None
    verification: VolunteerVerification
    version: int
    created_at: datetime


class VolunteerFilters(BaseModel):
    skill: Skill | None = None
    language: Language | None = None
    region: str | None = None
    weekday: int | None = None
    start: str | None = None
    end: str | None = None
    verification: str | None = None
