"""Mutations over the volunteers service."""

import datetime as dt
from typing import Annotated

import strawberry
from strawberry.types import Info

from gateway.auth import caller
from gateway.context import GatewayContext
from gateway.ids import local_id
from gateway.mutations.inputs import body_of
from gateway.outcomes import outcome
from gateway.types.common import Conflict, InvalidInput, Language, NotFound, Skill
from gateway.types.volunteers import Activity, SignUp, Volunteer
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


def _key(idempotency_key: str | None) -> dict[str, str] | None:
    return {"Idempotency-Key": idempotency_key} if idempotency_key else None


async def register_volunteer(
    info: GInfo, input: RegisterVolunteerInput, idempotency_key: str | None = None
) -> RegisterVolunteerResult:
    """Register a volunteer at a station (skills, languages such as Mongolian, weekly availability)."""
    caller(info, roles=WRITERS)
    client = info.context.upstreams.volunteers
    return await outcome(
        lambda: client.post("/v1/volunteers", body_of(input), headers=_key(idempotency_key)),
        lambda r: VolunteerRegistered(volunteer=Volunteer.from_record(r)),
    )


async def create_activity(
    info: GInfo, input: CreateActivityInput, idempotency_key: str | None = None
) -> CreateActivityResult:
    """Organise an activity with a capacity; sign-ups beyond it wait in order."""
    caller(info, roles=WRITERS)
    body = body_of(input)
    body["starts_at"], body["ends_at"] = input.starts_at.isoformat(), input.ends_at.isoformat()
    client = info.context.upstreams.volunteers
    return await outcome(
        lambda: client.post("/v1/activities", body, headers=_key(idempotency_key)),
        lambda r: ActivityCreated(activity=Activity.from_record(r)),
    )


async def sign_up(info: GInfo, activity_id: strawberry.ID, volunteer_id: strawberry.ID | None = None) -> SignUpResult:
    """Sign a volunteer (yourself by default) up for an activity: confirmed while places last, then waiting."""
    caller(info, roles=WRITERS)
    body = {"volunteer_id": str(local_id(volunteer_id, "Volunteer")) if volunteer_id else None}
    path = f"/v1/activities/{local_id(activity_id, 'Activity')}/signups"
    client = info.context.upstreams.volunteers
    return await outcome(lambda: client.post(path, body), lambda r: SignedUp(sign_up=SignUp.from_record(r)))
