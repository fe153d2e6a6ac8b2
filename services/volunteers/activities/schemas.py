"""Activity payloads."""

import uuid
from datetime import datetime, timedelta
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.common.clock import clock
from services.common.fields import Payload, PlannedInstant, ShortText
from services.common.regions import RegionCode
from services.common.tickets import SealedTicket
from services.common.vocabulary import ActivityState, OrganiserKind, Skill

Capacity = Annotated[int, Field(ge=1, le=100_000)]
Count = Annotated[int, Field(ge=0, le=10_000_000)]
Skills = Annotated[list[Skill], Field(max_length=20)]
# An activity already held is entered only to record its paper sign-in sheet late (补录), which the
# organiser may do up to 30 days after the end (signups.service.RECORDING_WINDOW): no earlier end.
LATE_ENTRY_WINDOW = timedelta(days=30)
# An activity is one event (a project spans months); a longer one is a typo in the dates.
LONGEST_ACTIVITY = timedelta(days=31)


class ActivityCreate(Payload):
    """A new activity; `organiser_kind` names which of platform_id / team_id / org_id is set."""

    title: ShortText
    organiser_kind: Literal["platform", "team", "organisation"]
    platform_id: uuid.UUID | None = None
    team_id: uuid.UUID | None = None
    org_id: uuid.UUID | None = None
    project_id: uuid.UUID | None = None
    place: ShortText
    region: RegionCode
    starts_at: PlannedInstant
    ends_at: PlannedInstant
    capacity: Capacity
    required_skills: Skills = Field(default_factory=list)
    is_public: bool = True
    platform_ticket: SealedTicket | None = Field(
        default=None,
        description="`POST /v1/platforms/{id}/ticket` of the case service: the platform's path and region. "
        "Required for a platform other than your own; with it, the platforms above see the row too.",
    )

    @model_validator(mode="after")
    def _consistent(self) -> "ActivityCreate":
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at / 结束时间须晚于开始时间")
        if self.ends_at < clock.now() - LATE_ENTRY_WINDOW:
            raise ValueError(
                "an activity that ended more than 30 days ago cannot be entered / 结束超过30天的活动不能补录"
            )
        if self.ends_at - self.starts_at > LONGEST_ACTIVITY:
            raise ValueError("an activity lasts at most 31 days / 单次活动不能超过31天")
        organiser = {
            "platform": self.platform_id,
            "team": self.team_id,
            "organisation": self.org_id,
        }[self.organiser_kind]
        if organiser is None:
            raise ValueError(f"organiser_kind {self.organiser_kind} needs its id / 须提供组织方编号")
        return self


class ActivityUpdate(Payload):
    """Fields to change; a larger capacity promotes people from the waiting list."""

    title: ShortText | None = None
    place: ShortText | None = None
    capacity: Capacity | None = None
    required_skills: Skills | None = None
    is_public: bool | None = None


class ActivityCompletion(Payload):
    """What the statistics count once an activity is held."""

    beneficiaries: Count = 0
    social_worker_participants: Count = 0
    donor_participants: Count = 0


class ActivityOut(BaseModel):
    id: uuid.UUID
    title: str
    organiser_kind: OrganiserKind
    platform_id: uuid.UUID | None
    team_id: uuid.UUID | None
    org_id: uuid.UUID | None
    project_id: uuid.UUID | None
    place: str
    region: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    required_skills: list[Skill]
    is_public: bool
    state: ActivityState
    confirmed_count: int
    beneficiaries: int
    social_worker_participants: int
    donor_participants: int
    version: int
    created_at: datetime

    model_config = ConfigDict(from_attributes=True)


class ActivityFilters(BaseModel):
    region: str | None = None
    skill: Skill | None = None
    state: str | None = None
    starts_from: datetime | None = None
    starts_before: datetime | None = None
    public_only: bool = False
