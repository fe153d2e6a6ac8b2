"""Statistics payloads."""

from datetime import datetime

from pydantic import BaseModel, Field


class ParticipantTimes(BaseModel):
    """Participant person-times (参与人次) by kind of participant."""

    volunteer: int = Field(description="Check-ins by volunteers")
    social_worker: int
    donor: int


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
