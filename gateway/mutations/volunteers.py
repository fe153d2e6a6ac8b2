"""Mutations over the volunteers service. Each returns only members of its declared union: the
success (a sign-up that must wait is `Waitlisted`, not an error), one member per refusal a client
acts on differently (`CommitmentClash`, `NotCheckedIn`, `AttendanceWindowClosed` …, registered by
the service's code), and the generic InvalidInput / NotFound / Conflict."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from gateway.auth import caller
from gateway.context import GatewayContext
from gateway.ids import local_id
from gateway.mutations.inputs import body_of
from gateway.mutations.volunteers_hours import (
    approve_hours_correction,
    hours_correction_requests,
    refuse_hours_correction,
    request_hours_correction,
)
from gateway.mutations.volunteers_refusals import (
    ActivityClosed,
    ActivityNotOver,
    AlreadySignedUp,
    AssignmentNotActive,
    AttendanceWindowClosed,
    CheckOutBeforeCheckIn,
    CommitmentClash,
    MissingSkills,
    NoPendingHours,
    NotCheckedIn,
    VisitOutsideAssignment,
    VolunteerRejected,
    WeeklyHoursExceeded,
)
from gateway.mutations.volunteers_requests import parsed, passing_invalid, with_platform_ticket
from gateway.mutations.volunteers_teams import add_team_member, create_team, remove_team_member
from gateway.mutations.volunteers_updates import AvailabilityInput, update_activity, update_volunteer
from gateway.outcomes import outcome
from gateway.types.common import Conflict, InvalidInput, NotFound
from gateway.types.volunteers import (
    Activity,
    CareAssignment,
    CareVisit,
    SignUp,
    Volunteer,
)
from services.common.vocabulary import (
    CareAssignmentState,
    Language,
    OrganiserKind,
    Role,
    SignUpStatus,
    Skill,
    WellbeingFlag,
)
from services.volunteers import contract as c

GInfo = Info[GatewayContext, None]

WRITERS = frozenset({Role.CENTRE_STAFF, Role.STATION_STAFF, Role.COMMUNITY_WORKER, Role.ORG_STAFF, Role.VOLUNTEER})


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
CompleteActivityResult = Annotated[
    ActivityChanged | ActivityNotOver | InvalidInput | NotFound | Conflict, strawberry.union("CompleteActivityResult")
]
ChangeVolunteerResult = Annotated[VolunteerChanged | NotFound | Conflict, strawberry.union("ChangeVolunteerResult")]
EndAssignmentResult = Annotated[
    AssignmentEnded | AssignmentNotActive | NotFound, strawberry.union("EndAssignmentResult")
]
ApproveVisitHoursResult = Annotated[
    VisitHoursApproved | NoPendingHours | NotFound, strawberry.union("ApproveVisitHoursResult")
]


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
        register,
        passing_invalid(lambda m: VolunteerRegistered(volunteer=Volunteer.from_model(m))),
        RegisterVolunteerResult,
    )
    return result


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
        organise, passing_invalid(lambda m: ActivityCreated(activity=Activity.from_model(m))), CreateActivityResult
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
        log, passing_invalid(lambda m: VisitLogged(visit=CareVisit.from_model(m))), LogCareVisitResult
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


async def complete_activity(
    info: GInfo,
    activity_id: strawberry.ID,
    beneficiaries: int = 0,
    social_worker_participants: int = 0,
    donor_participants: int = 0,
) -> CompleteActivityResult:
    """Record an activity that has ended as held, with its beneficiaries and the social workers and
    donors who took part (the statistics count them)."""
    caller(info, roles=WRITERS)
    activity = local_id(activity_id, "Activity")
    activities = info.context.upstreams.volunteers.activities
    figures = {
        "beneficiaries": beneficiaries,
        "social_worker_participants": social_worker_participants,
        "donor_participants": donor_participants,
    }

    async def complete() -> c.Activity | InvalidInput:
        body = parsed(c.ActivityCompletion, figures)
        if isinstance(body, InvalidInput):
            return body
        return await activities.complete(activity, body)

    result: CompleteActivityResult = await outcome(
        complete, passing_invalid(lambda m: ActivityChanged(activity=Activity.from_model(m))), CompleteActivityResult
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
    complete_activity = strawberry.mutation(resolver=complete_activity)
    update_activity = strawberry.mutation(resolver=update_activity)
    update_volunteer = strawberry.mutation(resolver=update_volunteer)
    verify_volunteer = strawberry.mutation(resolver=verify_volunteer)
    end_care_assignment = strawberry.mutation(resolver=end_care_assignment)
    approve_visit_hours = strawberry.mutation(resolver=approve_visit_hours)
    request_hours_correction = strawberry.mutation(resolver=request_hours_correction)
    approve_hours_correction = strawberry.mutation(resolver=approve_hours_correction)
    refuse_hours_correction = strawberry.mutation(resolver=refuse_hours_correction)
    create_team = strawberry.mutation(resolver=create_team)
    add_team_member = strawberry.mutation(resolver=add_team_member)
    remove_team_member = strawberry.mutation(resolver=remove_team_member)
