"""The refusals of volunteers mutations a client acts on differently: one union member each,
registered for the service's code (services/volunteers/refusals.py)."""

import dataclasses
from typing import Self

import strawberry

from gateway.clients.base import UpstreamError
from gateway.outcomes import messages, refusal_for
from services.common.vocabulary import Skill
from services.volunteers import contract as c


# Refusals of the volunteers service that a client acts on differently: one member each.
@strawberry.interface(description="An expected refusal of a volunteers mutation: nothing was changed.")
class VolunteeringRefusal:
    code: str
    message: str
    message_zh: str

    @classmethod
    def from_refusal(cls, exc: UpstreamError) -> Self:
        """The member with the problem's message and any of its keys named like the member's fields."""
        message, message_zh = messages(exc)
        names = {f.name for f in dataclasses.fields(cls)} - {"code", "message", "message_zh"}  # type: ignore[arg-type]
        extra = {name: exc.problem[name] for name in names if name in exc.problem}
        return cls(code=exc.code, message=message, message_zh=message_zh, **extra)


@refusal_for(c.OVERLAPPING_COMMITMENT)
@strawberry.type(description="The volunteer is committed elsewhere then (an activity or a care visit): pick another.")
class CommitmentClash(VolunteeringRefusal):
    pass


@refusal_for(c.WEEKLY_HOURS_EXCEEDED)
@strawberry.type(description="This would take the volunteer past their weekly maximum of hours.")
class WeeklyHoursExceeded(VolunteeringRefusal):
    booked_minutes: int | None = None
    max_hours_per_week: int | None = None


@refusal_for(c.VolunteerRejected.code)
@strawberry.type(description="The platform rejected the volunteer's registration: they take on no commitment.")
class VolunteerRejected(VolunteeringRefusal):
    pass


@refusal_for(c.MissingSkills.code)
@strawberry.type(description="The activity needs skills the volunteer lacks (`missingSkills`).")
class MissingSkills(VolunteeringRefusal):
    missing_skills: list[Skill] | None = None

    @classmethod
    def from_refusal(cls, exc: UpstreamError) -> Self:
        message, message_zh = messages(exc)
        skills = [Skill(s) for s in exc.problem.get("missing_skills", [])]
        return cls(code=exc.code, message=message, message_zh=message_zh, missing_skills=skills)


@refusal_for(c.AlreadySignedUp.code)
@strawberry.type(description="The volunteer is already signed up (confirmed or waiting) for this activity.")
class AlreadySignedUp(VolunteeringRefusal):
    pass


@refusal_for(c.ActivityClosed.code)
@strawberry.type(description="The activity takes no more sign-ups: cancelled, completed or over.")
class ActivityClosed(VolunteeringRefusal):
    pass


@refusal_for(c.ActivityNotOver.code)
@strawberry.type(description="The activity has not ended yet: it is recorded as held once it is over.")
class ActivityNotOver(VolunteeringRefusal):
    pass


@refusal_for(c.AttendanceWindowClosed.code)
@strawberry.type(
    description="Outside the attendance window: check-in opens an hour before the start and closes at the end, "
    "check-out closes an hour after the end (the organiser may record the time from the sheet)."
)
class AttendanceWindowClosed(VolunteeringRefusal):
    pass


@refusal_for(c.NotCheckedIn.code)
@strawberry.type(description="The sign-up has not checked in: check in first.")
class NotCheckedIn(VolunteeringRefusal):
    pass


@refusal_for(c.CheckOutBeforeCheckIn.code)
@strawberry.type(description="The check-out time given is before the check-in time: correct the time.")
class CheckOutBeforeCheckIn(VolunteeringRefusal):
    pass


@refusal_for(c.NoPendingHours.code)
@strawberry.type(description="No minutes await approval: not checked out, a missed visit, or approved already.")
class NoPendingHours(VolunteeringRefusal):
    pass


@refusal_for(c.AssignmentEnded.code)
@strawberry.type(description="The care assignment has ended: no visit is logged on it and it ends only once.")
class AssignmentNotActive(VolunteeringRefusal):
    pass


@refusal_for(c.VisitOutsideAssignment.code)
@strawberry.type(description="The visit's day lies outside the days the assignment covers.")
class VisitOutsideAssignment(VolunteeringRefusal):
    pass
