"""The volunteers service's REST contract: the request and response models of every route the
gateway calls, in one module (pydantic only). The service's endpoints declare these same models
(they live beside each aggregate, in its schemas.py, and are re-exported here); the gateway's typed
client (gateway/clients/volunteers.py) parses every answer into them. The codes of the refusals a
client acts on are in services/volunteers/refusals.py, re-exported here too."""

from typing import Generic, TypeVar

from pydantic import BaseModel

from services.common.pagination import Page
from services.volunteers.activities.schemas import ActivityCompletion, ActivityCreate, ActivityOut, ActivityUpdate
from services.volunteers.assignments.schemas import AssignmentCreate, AssignmentOut, CareSchedule, VisitCreate, VisitOut
from services.volunteers.hours.schemas import (
    CorrectionDecision,
    CorrectionRequestCreate,
    CorrectionRequestOut,
    HoursCorrection,
    HoursEntryOut,
    HoursSummary,
    ServiceRecord,
)
from services.volunteers.refusals import (
    ActivityClosed,
    ActivityNotOver,
    AlreadySignedUp,
    AssignmentEnded,
    AttendanceWindowClosed,
    CheckOutBeforeCheckIn,
    MissingSkills,
    NoPendingHours,
    NotCheckedIn,
    VisitOutsideAssignment,
    VolunteerRejected,
)
from services.volunteers.signups.schemas import AttendanceTime, SignUpOut, SignUpRequest
from services.volunteers.stats.schemas import VolunteerStats
from services.volunteers.teams.schemas import MemberAdd, MemberOut, TeamCreate, TeamOut, TeamUpdate
from services.volunteers.volunteers.schemas import (
    AvailabilityWindow,
    VerificationDecision,
    VolunteerCreate,
    VolunteerOut,
    VolunteerUpdate,
)

T = TypeVar("T")

# The gateway's names for the records (the service's schemas name them …Out).
Volunteer = VolunteerOut
Activity = ActivityOut
SignUp = SignUpOut
CareAssignment = AssignmentOut
CareVisit = VisitOut
Team = TeamOut
TeamMember = MemberOut
HoursEntry = HoursEntryOut
HoursCorrectionRequest = CorrectionRequestOut


class Items(BaseModel, Generic[T]):
    """`{"items": [...]}`: a `:batch` answer, or a list that is not paged (a team's members)."""

    items: list[T]


# Outcome codes the gateway's result unions name (one member each).
OVERLAPPING_COMMITMENT = "OVERLAPPING_COMMITMENT"
WEEKLY_HOURS_EXCEEDED = "WEEKLY_HOURS_EXCEEDED"

__all__ = [
    "OVERLAPPING_COMMITMENT",
    "WEEKLY_HOURS_EXCEEDED",
    "Activity",
    "ActivityClosed",
    "ActivityCompletion",
    "ActivityCreate",
    "ActivityNotOver",
    "ActivityOut",
    "ActivityUpdate",
    "AlreadySignedUp",
    "AssignmentCreate",
    "AssignmentEnded",
    "AssignmentOut",
    "AttendanceTime",
    "AttendanceWindowClosed",
    "AvailabilityWindow",
    "CareAssignment",
    "CareSchedule",
    "CareVisit",
    "CheckOutBeforeCheckIn",
    "CorrectionDecision",
    "CorrectionRequestCreate",
    "CorrectionRequestOut",
    "HoursCorrection",
    "HoursCorrectionRequest",
    "HoursEntry",
    "HoursEntryOut",
    "HoursSummary",
    "Items",
    "MemberAdd",
    "MemberOut",
    "MissingSkills",
    "NoPendingHours",
    "NotCheckedIn",
    "Page",
    "ServiceRecord",
    "SignUp",
    "SignUpOut",
    "SignUpRequest",
    "Team",
    "TeamCreate",
    "TeamMember",
    "TeamOut",
    "TeamUpdate",
    "VerificationDecision",
    "VisitCreate",
    "VisitOut",
    "VisitOutsideAssignment",
    "Volunteer",
    "VolunteerCreate",
    "VolunteerOut",
    "VolunteerRejected",
    "VolunteerStats",
    "VolunteerUpdate",
]
