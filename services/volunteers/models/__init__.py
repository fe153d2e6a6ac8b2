"""Every table of the volunteers service, in the `volunteers` schema."""

from services.volunteers.models.activity import Activity, SignUp
from services.volunteers.models.assignment import CareAssignment, VisitLog
from services.volunteers.models.base import Base
from services.volunteers.models.hours import CorrectionRequest, HoursEntry
from services.volunteers.models.kernel import AuditEntry, IdempotencyRecord, OutboxEvent
from services.volunteers.models.team import Team, TeamMember
from services.volunteers.models.volunteer import Volunteer

__all__ = [
    "Activity",
    "AuditEntry",
    "Base",
    "CareAssignment",
    "CorrectionRequest",
    "HoursEntry",
    "IdempotencyRecord",
    "OutboxEvent",
    "SignUp",
    "Team",
    "TeamMember",
    "VisitLog",
    "Volunteer",
]
