"""Mutations over the volunteers service. Each returns only members of its declared union: the
success (a sign-up that must wait is `Waitlisted`, not an error), one member per refusal a client
acts on differently (`CommitmentClash`, `NotCheckedIn`, `AttendanceWindowClosed` …, registered by
the service's code), and the generic InvalidInput / NotFound / Conflict."""

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Self, TypeVar

import strawberry
from pydantic import BaseModel, ValidationError
from strawberry.types import Info

from gateway.auth import caller
from gateway.clients.base import UpstreamError
from gateway.context import GatewayContext
from gateway.ids import local_id
from gateway.mutations.inputs import body_of
from gateway.outcomes import field_errors, messages, outcome, refusal_for
from gateway.types.common import Conflict, InvalidInput, NotFound
from gateway.types.volunteers import (
    Activity,
    CareAssignment,
    CareVisit,
    HoursCorrectionRequest,
    SignUp,
    Volunteer,
)
from services.common.auth import Principal
from services.common.errors import _bilingual
from services.common.vocabulary import (
    CareAssignmentState,
    HoursCorrectionState,
    Language,
    OrganiserKind,
    Role,
    SignUpStatus,
    Skill,
    WellbeingFlag,
)
from services.volunteers import contract as c

GInfo = Info[GatewayContext, None]
M = TypeVar("M", bound=BaseModel)

WRITERS = frozenset({Role.CENTRE_STAFF, Role.STATION_STAFF, Role.COMMUNITY_WORKER, Role.ORG_STAFF, Role.VOLUNTEER})
PLATFORM_STAFF = frozenset({Role.CENTRE_STAFF, Role.STATION_STAFF, Role.COMMUNITY_WORKER})


def parsed(model: type[M], body: dict[str, Any]) -> M | InvalidInput:
    """The request as the service's contract model, or why not, field by field (as the service's
    422 would say it: the same models validate on both sides)."""
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        problem = {
            "errors": [
                {"loc": list(err["loc"]), "msg": _bilingual(dict(err)), "type": err["type"]} for err in exc.errors()
            ]
        }
        errors = field_errors(problem)
        return InvalidInput(
            message="The input did not pass validation; see `errors`.",
            message_zh="输入未通过校验，详见 errors。",
            fields=[e.field for e in errors],
            errors=errors,
            code="VALIDATION_FAILED",
        )


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


# Successes.
@strawberry.type
class VolunteerRegistered:
    volunteer: Volunteer


@strawberry.type
class ActivityCreated:
    activity: Activity


@strawberry.type(description="Signed up with a confirmed place.")
class SignedUp:
    sign_up: SignUp


@strawberry.type(description="Signed up, on the waiting list: the activity is full; promoted in arrival order.")
class Waitlisted:
    sign_up: SignUp


@strawberry.type
class SignUpChanged:
    sign_up: SignUp


@strawberry.type(
    description="A care visit logged: done (its minutes await the organiser's approval) or missed (adds none, "
    "and the station sees it)."
)
class VisitLogged:
    visit: CareVisit


@strawberry.type
class ActivityChanged:
    activity: Activity


@strawberry.type
class VolunteerChanged:
    volunteer: Volunteer


@strawberry.type(description="The assignment ended; the volunteer no longer sees the elder's address.")
class AssignmentEnded:
    assignment: CareAssignment
    assignment_id: strawberry.ID = strawberry.field(description="Global id of the assignment (CareAssignment)")
    state: CareAssignmentState


@strawberry.type(description="A done visit's minutes approved into the volunteer's hours ledger.")
class VisitHoursApproved:
    visit: CareVisit


@strawberry.type(description="The correction request, filed or decided.")
class HoursCorrectionChanged:
    request: HoursCorrectionRequest


RegisterVolunteerResult = Annotated[
    VolunteerRegistered | InvalidInput | NotFound | Conflict, strawberry.union("RegisterVolunteerResult")
]
CreateActivityResult = Annotated[
    ActivityCreated | InvalidInput | NotFound | Conflict, strawberry.union("CreateActivityResult")
]
SignUpResult = Annotated[
    SignedUp
    | Waitlisted
    | CommitmentClash
    | WeeklyHoursExceeded
    | MissingSkills
    | AlreadySignedUp
    | ActivityClosed
    | VolunteerRejected
    | InvalidInput
    | NotFound,
    strawberry.union("SignUpResult"),
]
CancelSignUpResult = Annotated[SignUpChanged | NotFound | Conflict, strawberry.union("CancelSignUpResult")]
CheckInResult = Annotated[
    SignUpChanged | AttendanceWindowClosed | InvalidInput | NotFound | Conflict, strawberry.union("CheckInResult")
]
CheckOutResult = Annotated[
    SignUpChanged | NotCheckedIn | CheckOutBeforeCheckIn | AttendanceWindowClosed | InvalidInput | NotFound | Conflict,
    strawberry.union("CheckOutResult"),
]
ApproveHoursResult = Annotated[SignUpChanged | NoPendingHours | NotFound, strawberry.union("ApproveHoursResult")]
LogCareVisitResult = Annotated[
    VisitLogged | AssignmentNotActive | VisitOutsideAssignment | InvalidInput | NotFound,
    strawberry.union("LogCareVisitResult"),
]
ChangeActivityResult = Annotated[ActivityChanged | NotFound | Conflict, strawberry.union("ChangeActivityResult")]
ChangeVolunteerResult = Annotated[VolunteerChanged | NotFound | Conflict, strawberry.union("ChangeVolunteerResult")]
EndAssignmentResult = Annotated[
    AssignmentEnded | AssignmentNotActive | NotFound, strawberry.union("EndAssignmentResult")
]
ApproveVisitHoursResult = Annotated[
    VisitHoursApproved | NoPendingHours | NotFound, strawberry.union("ApproveVisitHoursResult")
]
HoursCorrectionResult = Annotated[
    HoursCorrectionChanged | InvalidInput | NotFound | Conflict, strawberry.union("HoursCorrectionResult")
]


@strawberry.input
class AvailabilityInput:
    weekday: int
    start: str
    end: str


@strawberry.input
class RegisterVolunteerInput:
    platform_id: strawberry.ID
    name: str
    phone: str
    id_number: str
    region: str
    skills: list[Skill] = strawberry.field(default_factory=list)
    languages: list[Language] = strawberry.field(default_factory=list)
    availability: list[AvailabilityInput] = strawberry.field(default_factory=list)
    max_hours_per_week: int | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None


@strawberry.input
class CreateActivityInput:
    title: str
    organiser_kind: OrganiserKind = strawberry.field(
        description="Which organiser id is set: PLATFORM (platformId), TEAM (teamId), ORGANISATION (orgId)"
    )
    place: str
    region: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    platform_id: strawberry.ID | None = None
    team_id: strawberry.ID | None = None
    org_id: strawberry.ID | None = None
    project_id: strawberry.ID | None = None
    required_skills: list[Skill] = strawberry.field(default_factory=list)
    is_public: bool = True


async def with_platform_ticket(info: GInfo, principal: Principal, body: dict[str, Any]) -> dict[str, Any]:
    """The body with the case service's sealed word on its platform's place in the tree: the
    volunteers service requires it for a platform below the caller's, and with it the platforms
    above see the row too (the caller's own platform included). A platform out of the caller's
    reach answers 404/403 here, before anything is written."""
    if principal.role not in PLATFORM_STAFF or not body.get("platform_id"):
        return body
    ticket = await info.context.upstreams.case.platforms.ticket(body["platform_id"])
    return {**body, "platform_ticket": ticket.ticket}


async def register_volunteer(
    info: GInfo, input: RegisterVolunteerInput, idempotency_key: str | None = None
) -> RegisterVolunteerResult:
    """Register a volunteer at a station (skills, languages such as Mongolian, weekly availability)."""
    principal = caller(info, roles=WRITERS)
    client = info.context.upstreams.volunteers

    async def register() -> c.Volunteer | InvalidInput:
        body = parsed(c.VolunteerCreate, await with_platform_ticket(info, principal, body_of(input)))
        if isinstance(body, InvalidInput):
            return body
        return await client.volunteers.register(body, idempotency_key=idempotency_key)

    result: RegisterVolunteerResult = await outcome(
        register, _or(lambda m: VolunteerRegistered(volunteer=Volunteer.from_model(m))), RegisterVolunteerResult
    )
    return result


def _or(success: Any) -> Any:
    """`success(model)`, passing an InvalidInput found before the call through as it is."""
    return lambda m: m if isinstance(m, InvalidInput) else success(m)


async def create_activity(
    info: GInfo, input: CreateActivityInput, idempotency_key: str | None = None
) -> CreateActivityResult:
    """Organise an activity with a capacity; sign-ups beyond it wait in order."""
    principal = caller(info, roles=WRITERS)
    client = info.context.upstreams.volunteers

    async def organise() -> c.Activity | InvalidInput:
        body = parsed(c.ActivityCreate, await with_platform_ticket(info, principal, body_of(input)))
        if isinstance(body, InvalidInput):
            return body
        return await client.activities.create(body, idempotency_key=idempotency_key)

    result: CreateActivityResult = await outcome(
        organise, _or(lambda m: ActivityCreated(activity=Activity.from_model(m))), CreateActivityResult
    )
    return result


def _signed_up(m: c.SignUp) -> SignedUp | Waitlisted:
    sign_up = SignUp.from_model(m)
    return Waitlisted(sign_up=sign_up) if m.status is SignUpStatus.WAITING else SignedUp(sign_up=sign_up)


async def sign_up(info: GInfo, activity_id: strawberry.ID, volunteer_id: strawberry.ID | None = None) -> SignUpResult:
    """Sign a volunteer (yourself by default) up for an activity: SignedUp while places last, then
    Waitlisted in arrival order."""
    caller(info, roles=WRITERS)
    activity = local_id(activity_id, "Activity")
    body = c.SignUpRequest(volunteer_id=local_id(volunteer_id, "Volunteer") if volunteer_id else None)
    signups = info.context.upstreams.volunteers.signups
    result: SignUpResult = await outcome(lambda: signups.sign_up(activity, body), _signed_up, SignUpResult)
    return result


async def cancel_sign_up(info: GInfo, sign_up_id: strawberry.ID) -> CancelSignUpResult:
    """Cancel a sign-up; the first on the waiting list is promoted."""
    caller(info, roles=WRITERS)
    signup = local_id(sign_up_id, "SignUp")
    signups = info.context.upstreams.volunteers.signups
    result: CancelSignUpResult = await outcome(
        lambda: signups.cancel(signup), lambda m: SignUpChanged(sign_up=SignUp.from_model(m)), CancelSignUpResult
    )
    return result


AttendanceAt = Annotated[
    dt.datetime | None,
    strawberry.argument(
        description="When it happened, with its offset (the organiser's time from the sign-in sheet); "
        "never in the future. Left out: the server's now (volunteers always get that)."
    ),
]


async def check_in(info: GInfo, sign_up_id: strawberry.ID, at: AttendanceAt = None) -> CheckInResult:
    """Check in at the activity (from an hour before the start until the end)."""
    caller(info, roles=WRITERS)
    signup = local_id(sign_up_id, "SignUp")
    signups = info.context.upstreams.volunteers.signups
    body = c.AttendanceTime.model_construct(at=at) if at is not None else c.AttendanceTime()
    result: CheckInResult = await outcome(
        lambda: signups.check_in(signup, body), lambda m: SignUpChanged(sign_up=SignUp.from_model(m)), CheckInResult
    )
    return result


async def check_out(info: GInfo, sign_up_id: strawberry.ID, at: AttendanceAt = None) -> CheckOutResult:
    """Check out (until an hour after the end); the minutes between, capped at the activity's length,
    await the organiser's approval."""
    caller(info, roles=WRITERS)
    signup = local_id(sign_up_id, "SignUp")
    signups = info.context.upstreams.volunteers.signups
    body = c.AttendanceTime.model_construct(at=at) if at is not None else c.AttendanceTime()
    result: CheckOutResult = await outcome(
        lambda: signups.check_out(signup, body), lambda m: SignUpChanged(sign_up=SignUp.from_model(m)), CheckOutResult
    )
    return result


async def approve_hours(info: GInfo, sign_up_id: strawberry.ID) -> ApproveHoursResult:
    """The organiser approves the minutes into the volunteer's hours ledger."""
    caller(info, roles=WRITERS)
    signup = local_id(sign_up_id, "SignUp")
    signups = info.context.upstreams.volunteers.signups
    result: ApproveHoursResult = await outcome(
        lambda: signups.approve_hours(signup), lambda m: SignUpChanged(sign_up=SignUp.from_model(m)), ApproveHoursResult
    )
    return result


async def log_care_visit(
    info: GInfo,
    assignment_id: strawberry.ID,
    visited_at: dt.datetime,
    done: bool,
    notes: str = "",
    wellbeing_flags: list[WellbeingFlag] | None = None,
    minutes: Annotated[
        int | None, strawberry.argument(description="A done visit's minutes; left out: the scheduled duration")
    ] = None,
    idempotency_key: str | None = None,
) -> LogCareVisitResult:
    """The volunteer (or the station) logs a care visit; wellbeing flags reach the station.
    `assignmentId` is the global id (CareAssignment) assignVolunteer returned for the care need."""
    caller(info, roles=WRITERS)
    assignment = local_id(assignment_id, "CareAssignment")
    assignments = info.context.upstreams.volunteers.assignments
    body: dict[str, Any] = {
        "visited_at": visited_at,
        "outcome": "done" if done else "missed",
        "notes": notes,
        "wellbeing_flags": [flag.value for flag in wellbeing_flags or []],
    }
    if minutes is not None:
        body["minutes"] = minutes

    async def log() -> c.CareVisit | InvalidInput:
        visit = parsed(c.VisitCreate, body)
        if isinstance(visit, InvalidInput):
            return visit
        return await assignments.log_visit(assignment, visit, idempotency_key=idempotency_key)

    result: LogCareVisitResult = await outcome(
        log, _or(lambda m: VisitLogged(visit=CareVisit.from_model(m))), LogCareVisitResult
    )
    return result


async def cancel_activity(info: GInfo, activity_id: strawberry.ID) -> ChangeActivityResult:
    """Cancel an activity; its sign-ups no longer count as commitments."""
    caller(info, roles=WRITERS)
    activity = local_id(activity_id, "Activity")
    activities = info.context.upstreams.volunteers.activities
    result: ChangeActivityResult = await outcome(
        lambda: activities.cancel(activity),
        lambda m: ActivityChanged(activity=Activity.from_model(m)),
        ChangeActivityResult,
    )
    return result


async def verify_volunteer(info: GInfo, volunteer_id: strawberry.ID, verified: bool = True) -> ChangeVolunteerResult:
    """The station verifies (or rejects) a volunteer's registration."""
    caller(info, roles=WRITERS)
    volunteer = local_id(volunteer_id, "Volunteer")
    body = c.VerificationDecision(decision="verified" if verified else "rejected")
    volunteers = info.context.upstreams.volunteers.volunteers
    result: ChangeVolunteerResult = await outcome(
        lambda: volunteers.verify(volunteer, body),
        lambda m: VolunteerChanged(volunteer=Volunteer.from_model(m)),
        ChangeVolunteerResult,
    )
    return result


def _ended(m: c.CareAssignment) -> AssignmentEnded:
    assignment = CareAssignment.from_model(m)
    return AssignmentEnded(assignment=assignment, assignment_id=assignment.id, state=assignment.state)


async def end_care_assignment(info: GInfo, assignment_id: strawberry.ID) -> EndAssignmentResult:
    """End a care assignment; from now on the volunteer no longer sees the elder's address."""
    caller(info, roles=WRITERS)
    assignment = local_id(assignment_id, "CareAssignment")
    assignments = info.context.upstreams.volunteers.assignments
    result: EndAssignmentResult = await outcome(lambda: assignments.end(assignment), _ended, EndAssignmentResult)
    return result


async def approve_visit_hours(info: GInfo, visit_id: strawberry.ID) -> ApproveVisitHoursResult:
    """The staff of the assignment's platform approve a done care visit's minutes (as approveHours does
    for an activity's); a missed visit or one already approved is NoPendingHours."""
    caller(info, roles=WRITERS)
    visit = local_id(visit_id, "CareVisit")
    visits = info.context.upstreams.volunteers.visits
    result: ApproveVisitHoursResult = await outcome(
        lambda: visits.approve_hours(visit),
        lambda m: VisitHoursApproved(visit=CareVisit.from_model(m)),
        ApproveVisitHoursResult,
    )
    return result


async def request_hours_correction(
    info: GInfo,
    volunteer_id: strawberry.ID,
    minutes: int,
    reason: str,
    activity_id: strawberry.ID | None = None,
    idempotency_key: str | None = None,
) -> HoursCorrectionResult:
    """The volunteer asks for a correction of their hours (minutes ±, why, and the activity it is about);
    nothing enters the ledger until it is approved."""
    caller(info, roles=WRITERS)
    volunteer = local_id(volunteer_id, "Volunteer")
    body: dict[str, Any] = {"minutes": minutes, "reason": reason}
    if activity_id is not None:
        body["activity_id"] = local_id(activity_id, "Activity")
    hours = info.context.upstreams.volunteers.hours

    async def file() -> c.HoursCorrectionRequest | InvalidInput:
        request = parsed(c.CorrectionRequestCreate, body)
        if isinstance(request, InvalidInput):
            return request
        return await hours.request_correction(volunteer, request, idempotency_key=idempotency_key)

    result: HoursCorrectionResult = await outcome(
        file,
        _or(lambda m: HoursCorrectionChanged(request=HoursCorrectionRequest.from_model(m))),
        HoursCorrectionResult,
    )
    return result


async def _decide_correction(
    info: GInfo, request_id: strawberry.ID, note: str | None, approve: bool
) -> HoursCorrectionResult:
    caller(info, roles=WRITERS)
    request = local_id(request_id, "HoursCorrectionRequest")
    hours = info.context.upstreams.volunteers.hours

    async def call() -> c.HoursCorrectionRequest | InvalidInput:
        decision = parsed(c.CorrectionDecision, {"note": note})
        if isinstance(decision, InvalidInput):
            return decision
        return await hours.decide_correction(request, approve, decision)

    result: HoursCorrectionResult = await outcome(
        call,
        _or(lambda m: HoursCorrectionChanged(request=HoursCorrectionRequest.from_model(m))),
        HoursCorrectionResult,
    )
    return result


async def approve_hours_correction(
    info: GInfo, request_id: strawberry.ID, note: str | None = None
) -> HoursCorrectionResult:
    """The activity's organiser (or the volunteer's platform staff) approves: one correction entry."""
    return await _decide_correction(info, request_id, note, approve=True)


async def refuse_hours_correction(
    info: GInfo, request_id: strawberry.ID, note: str | None = None
) -> HoursCorrectionResult:
    """The organiser refuses, saying why (`note`); the request stays on record."""
    return await _decide_correction(info, request_id, note, approve=False)


async def hours_correction_requests(
    info: GInfo,
    volunteer_id: strawberry.ID,
    state: HoursCorrectionState | None = None,
    first: int = 20,
    after: str | None = None,
) -> list[HoursCorrectionRequest]:
    """A volunteer's correction requests and their decisions, newest first (one page)."""
    caller(info, roles=WRITERS)
    volunteer = local_id(volunteer_id, "Volunteer")
    page = await info.context.upstreams.volunteers.hours.correction_requests(
        volunteer, limit=max(1, min(first, 100)), state=state.value if state else None, cursor=after
    )
    return [HoursCorrectionRequest.from_model(m) for m in page.items]


@strawberry.type
class VolunteersQueryFields:
    """The query fields this module resolves (merged into the schema's root type)."""

    hours_correction_requests = strawberry.field(resolver=hours_correction_requests)


@strawberry.type
class VolunteersMutationFields:
    """The mutations this module resolves (merged into the schema's root type)."""

    register_volunteer = strawberry.mutation(resolver=register_volunteer)
    create_activity = strawberry.mutation(resolver=create_activity)
    sign_up = strawberry.mutation(resolver=sign_up)
    cancel_sign_up = strawberry.mutation(resolver=cancel_sign_up)
    check_in = strawberry.mutation(resolver=check_in)
    check_out = strawberry.mutation(resolver=check_out)
    approve_hours = strawberry.mutation(resolver=approve_hours)
    log_care_visit = strawberry.mutation(resolver=log_care_visit)
    cancel_activity = strawberry.mutation(resolver=cancel_activity)
    verify_volunteer = strawberry.mutation(resolver=verify_volunteer)
    end_care_assignment = strawberry.mutation(resolver=end_care_assignment)
    approve_visit_hours = strawberry.mutation(resolver=approve_visit_hours)
    request_hours_correction = strawberry.mutation(resolver=request_hours_correction)
    approve_hours_correction = strawberry.mutation(resolver=approve_hours_correction)
    refuse_hours_correction = strawberry.mutation(resolver=refuse_hours_correction)
