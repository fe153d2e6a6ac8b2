"""Sign-up payloads."""

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from services.common.fields import PastInstant, Payload
from services.common.vocabulary import SignUpStatus, VolunteerHoursState


class SignUpRequest(Payload):
    """Staff name the volunteer; a volunteer signing up themself may leave it out."""

    volunteer_id: uuid.UUID | None = None


class AttendanceTime(Payload):
    """When it happened; organisers may record a time, volunteers always get the server's now."""

    at: PastInstant | None = Field(default=None)


class SignUpOut(BaseModel):
    id: uuid.UUID
    activity_id: uuid.UUID
    volunteer_id: uuid.UUID
    sequence: int = Field(description="Arrival order within the activity (1 = first)")
    status: SignUpStatus = Field(description="confirmed, waiting or cancelled")
    checked_in_at: datetime | None
    checked_out_at: datetime | None
    minutes: int | None = Field(description="Service minutes from check-in/out, capped")
    hours_state: VolunteerHoursState
    version: int
    created_at: datetime

    model_config = ConfigDict(from_attributes=True)
