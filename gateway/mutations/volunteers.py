"""Mutations over the volunteers service."""

import datetime as dt
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from gateway.auth import caller
from gateway.context import GatewayContext
from gateway.ids import local_id
from gateway.mutations.inputs import body_of, idempotency_headers
from gateway.outcomes import outcome
from gateway.types.common import Conflict, InvalidInput, Language, NotFound, Skill
from gateway.types.volunteers import Activity, CareVisit, HoursCorrectionRequest, SignUp, Volunteer
from services.common.auth import Principal
from services.common.vocabulary import Role

GInfo = Info[GatewayContext, None]


@strawberry.type
class VolunteerRegistered:
    volunteer: Volunteer


@strawberry.type
class ActivityCreated:
    activity: Activity


@strawberry.type
class SignedUp:
    sign_up: SignUp


RegisterVolunteerResult = Annotated[
    VolunteerRegistered | InvalidInput | NotFound | Conflict, strawberry.union("RegisterVolunteerResult")
]
CreateActivityResult = Annotated[
    ActivityCreated | InvalidInput | NotFound | Conflict, strawberry.union("CreateActivityResult")
]
SignUpResult = Annotated[SignedUp | InvalidInput | NotFound | Conflict, strawberry.union("SignUpResult")]


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


@strawberry.input
class CreateActivityInput:
    title: str
    organiser_kind: str
    place: str
    region: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    platform_id: strawberry.ID | None = None
    project_id: strawberry.ID | None = None
    required_skills: list[Skill] = strawberry.field(default_factory=list)
    is_public: bool = True


WRITERS = frozenset({Role.CENTRE_STAFF, Role.STATION_STAFF, Role.COMMUNITY_WORKER, Role.ORG_STAFF, Role.VOLUNTEER})
PLATFORM_STAFF = frozenset({Role.CENTRE_STAFF, Role.STATION_STAFF, Role.COMMUNITY_WORKER})


async def with_platform_ticket(info: GInfo, principal: Principal, body: dict[str, Any]) -> dict[str, Any]:
    """The body with the case service's sealed word on its platform's place in the tree: the
    volunteers service requires it for a platform below the caller's, and with it the platforms
    above see the row too (the caller's own platform included). A platform out of the caller's
    reach answers 404/403 here, before anything is written."""
    if principal.role not in PLATFORM_STAFF or not body.get("platform_id"):
        return body
    ticket = await info.context.upstreams.case.post(f"/v1/platforms/{body['platform_id']}/ticket")
    return {**body, "platform_ticket": ticket["ticket"]}


async def register_volunteer(
    info: GInfo, input: RegisterVolunteerInput, idempotency_key: str | None = None
) -> RegisterVolunteerResult:
    """Register a volunteer at a station (skills, languages such as Mongolian, weekly availability)."""
    principal = caller(info, roles=WRITERS)
    client = info.context.upstreams.volunteers

    async def register() -> Any:
        body = await with_platform_ticket(info, principal, body_of(input))
        return await client.post("/v1/volunteers", body, headers=idempotency_headers(idempotency_key))

    return await outcome(
        register,
        lambda r: VolunteerRegistered(volunteer=Volunteer.from_record(r)),
    )


async def create_activity(
    info: GInfo, input: CreateActivityInput, idempotency_key: str | None = None
) -> CreateActivityResult:
    """Organise an activity with a capacity; sign-ups beyond it wait in order."""
    principal = caller(info, roles=WRITERS)
    client = info.context.upstreams.volunteers

    async def organise() -> Any:
        body = await with_platform_ticket(info, principal, body_of(input))
        return await client.post("/v1/activities", body, headers=idempotency_headers(idempotency_key))

    return await outcome(
        organise,
        lambda r: ActivityCreated(activity=Activity.from_record(r)),
    )


async def sign_up(info: GInfo, activity_id: strawberry.ID, volunteer_id: strawberry.ID | None = None) -> SignUpResult:
    """Sign a volunteer (yourself by default) up for an activity: confirmed while places last, then waiting."""
    caller(info, roles=WRITERS)
    body = {"volunteer_id": str(local_id(volunteer_id, "Volunteer")) if volunteer_id else None}
    path = f"/v1/activities/{local_id(activity_id, 'Activity')}/signups"
    client = info.context.upstreams.volunteers
    return await outcome(lambda: client.post(path, body), lambda r: SignedUp(sign_up=SignUp.from_record(r)))


@strawberry.type
class SignUpChanged:
    sign_up: SignUp


ChangeSignUpResult = Annotated[
    SignUpChanged | InvalidInput | NotFound | Conflict, strawberry.union("ChangeSignUpResult")
]
SIGN_UP_ACTIONS = {
    "cancel": "cancel",
    "check_in": "check-in",
    "check_out": "check-out",
    "approve_hours": "approve-hours",
}


def _sign_up_action(action: str, doc: str) -> object:
    async def change(info: GInfo, sign_up_id: strawberry.ID) -> ChangeSignUpResult:
        caller(info, roles=WRITERS)
        client = info.context.upstreams.volunteers
        path = f"/v1/signups/{local_id(sign_up_id, 'SignUp')}/{SIGN_UP_ACTIONS[action]}"
        return await outcome(lambda: client.post(path), lambda r: SignUpChanged(sign_up=SignUp.from_record(r)))

    change.__doc__ = doc
    change.__name__ = action
    return change


def _attendance_action(action: str, doc: str) -> object:
    async def record(
        info: GInfo,
        sign_up_id: strawberry.ID,
        at: Annotated[
            dt.datetime | None,
            strawberry.argument(
                description="When it happened, with its offset (the organiser's time from the sign-in sheet); "
                "never in the future. Left out: the server's now (volunteers always get that)."
            ),
        ] = None,
    ) -> ChangeSignUpResult:
        caller(info, roles=WRITERS)
        client = info.context.upstreams.volunteers
        path = f"/v1/signups/{local_id(sign_up_id, 'SignUp')}/{SIGN_UP_ACTIONS[action]}"
        body = {"at": at.isoformat()} if at is not None else {}
        return await outcome(lambda: client.post(path, body), lambda r: SignUpChanged(sign_up=SignUp.from_record(r)))

    record.__doc__ = doc
    record.__name__ = action
    return record


cancel_sign_up = _sign_up_action("cancel", "Cancel a sign-up; the first on the waiting list is promoted.")
check_in = _attendance_action("check_in", "Check in at the activity (from an hour before the start until the end).")
check_out = _attendance_action(
    "check_out",
    "Check out (until an hour after the end); the minutes between, capped at the activity's length, "
    "await the organiser's approval.",
)
approve_hours = _sign_up_action(
    "approve_hours", "The organiser approves the minutes into the volunteer's hours ledger."
)


@strawberry.type(
    description="A care visit logged: done (its minutes await the organiser's approval) or missed (adds none, "
    "and the station sees it)."
)
class VisitLogged:
    visit: CareVisit


LogCareVisitResult = Annotated[VisitLogged | InvalidInput | NotFound | Conflict, strawberry.union("LogCareVisitResult")]


async def log_care_visit(
    info: GInfo,
    assignment_id: strawberry.ID,
    visited_at: dt.datetime,
    done: bool,
    notes: str = "",
    wellbeing_flags: list[str] | None = None,
) -> LogCareVisitResult:
    """The volunteer (or the station) logs a care visit; wellbeing flags reach the station.
    `assignmentId` is the one confirmMatch returned for the care need."""
    caller(info, roles=WRITERS)
    body = {
        "visited_at": visited_at.isoformat(),
        "outcome": "done" if done else "missed",
        "notes": notes,
        "wellbeing_flags": wellbeing_flags or [],
    }
    client = info.context.upstreams.volunteers
    path = f"/v1/assignments/{assignment_id}/visits"
    return await outcome(lambda: client.post(path, body), lambda r: VisitLogged(visit=CareVisit.from_record(r)))


@strawberry.type
class ActivityChanged:
    activity: Activity


@strawberry.type
class VolunteerChanged:
    volunteer: Volunteer


@strawberry.type
class AssignmentEnded:
    assignment_id: strawberry.ID
    state: str


ChangeActivityResult = Annotated[ActivityChanged | NotFound | Conflict, strawberry.union("ChangeActivityResult")]
ChangeVolunteerResult = Annotated[VolunteerChanged | NotFound | Conflict, strawberry.union("ChangeVolunteerResult")]
EndAssignmentResult = Annotated[AssignmentEnded | NotFound | Conflict, strawberry.union("EndAssignmentResult")]


async def cancel_activity(info: GInfo, activity_id: strawberry.ID) -> ChangeActivityResult:
    """Cancel an activity; its sign-ups no longer count as commitments."""
    caller(info, roles=WRITERS)
    client = info.context.upstreams.volunteers
    path = f"/v1/activities/{local_id(activity_id, 'Activity')}/cancel"
    return await outcome(lambda: client.post(path), lambda r: ActivityChanged(activity=Activity.from_record(r)))


async def verify_volunteer(info: GInfo, volunteer_id: strawberry.ID, verified: bool = True) -> ChangeVolunteerResult:
    """The station verifies (or rejects) a volunteer's registration."""
    caller(info, roles=WRITERS)
    client = info.context.upstreams.volunteers
    path = f"/v1/volunteers/{local_id(volunteer_id, 'Volunteer')}/verify"
    body = {"decision": "verified" if verified else "rejected"}
    return await outcome(
        lambda: client.post(path, body), lambda r: VolunteerChanged(volunteer=Volunteer.from_record(r))
    )


async def end_care_assignment(info: GInfo, assignment_id: strawberry.ID) -> EndAssignmentResult:
    """End a care assignment; from now on the volunteer no longer sees the elder's address."""
    caller(info, roles=WRITERS)
    client = info.context.upstreams.volunteers
    return await outcome(
        lambda: client.post(f"/v1/assignments/{assignment_id}/end"),
        lambda r: AssignmentEnded(assignment_id=strawberry.ID(str(r["id"])), state=r["state"]),
    )


@strawberry.type(description="A done visit's minutes approved into the volunteer's hours ledger.")
class VisitHoursApproved:
    visit: CareVisit


ApproveVisitHoursResult = Annotated[
    VisitHoursApproved | NotFound | Conflict, strawberry.union("ApproveVisitHoursResult")
]


async def approve_visit_hours(info: GInfo, visit_id: strawberry.ID) -> ApproveVisitHoursResult:
    """The staff of the assignment's platform approve a done care visit's minutes (as approveHours does
    for an activity's); a missed visit or one already approved is a Conflict."""
    caller(info, roles=WRITERS)
    client = info.context.upstreams.volunteers
    path = f"/v1/visits/{local_id(visit_id, 'CareVisit')}/approve-hours"
    return await outcome(lambda: client.post(path), lambda r: VisitHoursApproved(visit=CareVisit.from_record(r)))


@strawberry.type(description="The correction request, filed or decided.")
class HoursCorrectionChanged:
    request: HoursCorrectionRequest


HoursCorrectionResult = Annotated[
    HoursCorrectionChanged | InvalidInput | NotFound | Conflict, strawberry.union("HoursCorrectionResult")
]


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
    body: dict[str, Any] = {"minutes": minutes, "reason": reason}
    if activity_id is not None:
        body["activity_id"] = str(local_id(activity_id, "Activity"))
    client = info.context.upstreams.volunteers
    path = f"/v1/volunteers/{local_id(volunteer_id, 'Volunteer')}/hours/correction-requests"
    return await outcome(
        lambda: client.post(path, body, headers=idempotency_headers(idempotency_key)),
        lambda r: HoursCorrectionChanged(request=HoursCorrectionRequest.from_record(r)),
    )


def _decide(verb: str, doc: str) -> object:
    async def decide(info: GInfo, request_id: strawberry.ID, note: str | None = None) -> HoursCorrectionResult:
        caller(info, roles=WRITERS)
        client = info.context.upstreams.volunteers
        path = f"/v1/hours/correction-requests/{local_id(request_id, 'HoursCorrectionRequest')}/{verb}"
        return await outcome(
            lambda: client.post(path, {"note": note}),
            lambda r: HoursCorrectionChanged(request=HoursCorrectionRequest.from_record(r)),
        )

    decide.__doc__ = doc
    decide.__name__ = f"{verb}_hours_correction"
    return decide


approve_hours_correction = _decide(
    "approve", "The activity's organiser (or the volunteer's platform staff) approves: one correction entry."
)
refuse_hours_correction = _decide("refuse", "The organiser refuses, saying why (`note`); the request stays on record.")


async def hours_correction_requests(
    info: GInfo, volunteer_id: strawberry.ID, state: str | None = None, first: int = 20, after: str | None = None
) -> list[HoursCorrectionRequest]:
    """A volunteer's correction requests and their decisions, newest first (one page)."""
    caller(info, roles=WRITERS)
    client = info.context.upstreams.volunteers
    params: dict[str, Any] = {"limit": max(1, min(first, 100))}
    if state:
        params["state"] = state.strip().lower()
    if after:
        params["cursor"] = after
    page = await client.get(f"/v1/volunteers/{local_id(volunteer_id, 'Volunteer')}/hours/correction-requests", **params)
    return [HoursCorrectionRequest.from_record(r) for r in page["items"]]


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
