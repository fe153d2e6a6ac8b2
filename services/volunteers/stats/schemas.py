"""Statistics payloads."""

import uuid
from datetime import datetime

from pydantic import BaseModel, Field


class ParticipantTimes(BaseModel):
    """Participant person-times (参与人次) by kind of participant."""

    volunteer: int = Field(description="Check-ins by volunteers")
    social_worker: int
    donor: int


class PlatformVolunteerFigures(BaseModel):
    """One organising platform's figures (activities an organisation ran are in the region's only)."""

    platform_id: uuid.UUID
    activities_held: int = 0
    participant_person_times: ParticipantTimes
    beneficiaries: int = 0
    care_visits_done: int = 0
    care_minutes: int = 0
    care_needs_served: int = 0


class VolunteerStats(BaseModel):
    region: str
    period_from: datetime | None
    period_to: datetime | None
    activities_held: int
    participant_person_times: ParticipantTimes
    beneficiaries: int
    care_visits_done: int
    care_minutes: int
    care_needs_served: int = Field(description="Care needs with at least one done visit in the period")
    by_platform: list[PlatformVolunteerFigures] = Field(default_factory=list, description="Each platform once")
