"""The volunteers service's refusals that a client acts on differently, each with its own code.

They keep the status of the error they refine (409 for a state that does not allow it, 400 for
input that cannot be right), so a REST client reading only the status sees no change; the code
tells the gateway which member of a mutation's result union the refusal is.
"""

from services.common.errors import BadInput, Conflict, InvalidTransition


class VolunteerRejected(Conflict):
    """The platform rejected the volunteer's registration: they take on no commitment."""

    code, title = "VOLUNTEER_REJECTED", "Volunteer rejected"


class MissingSkills(Conflict):
    code, title = "MISSING_SKILLS", "Missing skills"


class AlreadySignedUp(Conflict):
    code, title = "ALREADY_SIGNED_UP", "Already signed up"


class ActivityClosed(InvalidTransition):
    """Cancelled, completed, or ended (for the organiser: more than the recording window ago)."""

    code, title = "ACTIVITY_CLOSED", "Activity closed"


class ActivityNotOver(InvalidTransition):
    """An activity is recorded as held only once it has ended."""

    code, title = "ACTIVITY_NOT_OVER", "Activity not over"


class AttendanceWindowClosed(InvalidTransition):
    """Check-in or check-out outside the hours the activity allows it."""

    code, title = "ATTENDANCE_WINDOW_CLOSED", "Outside the attendance window"


class NotCheckedIn(InvalidTransition):
    code, title = "NOT_CHECKED_IN", "Not checked in"


class CheckOutBeforeCheckIn(InvalidTransition):
    code, title = "CHECK_OUT_BEFORE_CHECK_IN", "Check-out before check-in"


class NoPendingHours(InvalidTransition):
    """Nothing awaits approval: not checked out, missed, or approved already."""

    code, title = "NO_PENDING_HOURS", "No hours awaiting approval"


class AssignmentEnded(InvalidTransition):
    code, title = "ASSIGNMENT_ENDED", "Assignment ended"


class VisitOutsideAssignment(BadInput):
    """The visit's day is not one the assignment covers."""

    code, title = "VISIT_OUTSIDE_ASSIGNMENT", "Visit outside the assignment"
