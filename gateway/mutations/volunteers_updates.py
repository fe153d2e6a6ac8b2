"""Changing a volunteer's profile or an activity, of the version the caller read (the fields are
listed by gateway/mutations/volunteers.py's VolunteersMutationFields)."""

from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry import UNSET
from strawberry.types import Info

from gateway.auth import caller
from gateway.context import GatewayContext
from gateway.ids import local_id
from gateway.mutations.inputs import body_of
from gateway.mutations.volunteers_requests import parsed, passing_invalid
from gateway.outcomes import outcome
from gateway.types.common import Conflict, InvalidInput, NotFound, StaleVersion
from gateway.types.volunteers import Activity, Volunteer
from services.common.vocabulary import Language, Role, Skill
from services.volunteers import contract as c

GInfo = Info[GatewayContext, None]
WRITERS = frozenset({Role.CENTRE_STAFF, Role.STATION_STAFF, Role.COMMUNITY_WORKER, Role.ORG_STAFF, Role.VOLUNTEER})


@strawberry.input(description="A weekly window in Beijing time, e.g. Tuesday 15:00–17:00.")
class AvailabilityInput:
    weekday: int
    start: str
    end: str


@strawberry.input(description="The fields to change; those left out stay as they are.")
class UpdateVolunteerInput:
    name: str | None = UNSET
    phone: str | None = UNSET
    skills: list[Skill] | None = UNSET
    languages: list[Language] | None = UNSET
    region: str | None = strawberry.field(default=UNSET, description="Managing staff only")
    latitude: Decimal | None = UNSET
    longitude: Decimal | None = UNSET
    availability: list[AvailabilityInput] | None = UNSET
    max_hours_per_week: int | None = UNSET


@strawberry.input(description="The fields to change; those left out stay as they are.")
class UpdateActivityInput:
    title: str | None = UNSET
    place: str | None = UNSET
    capacity: int | None = strawberry.field(default=UNSET, description="A larger one promotes the waiting list")
    required_skills: list[Skill] | None = UNSET
    is_public: bool | None = UNSET


@strawberry.type
class VolunteerUpdated:
    volunteer: Volunteer


@strawberry.type
class ActivityUpdated:
    activity: Activity


UpdateVolunteerResult = Annotated[
    VolunteerUpdated | InvalidInput | NotFound | StaleVersion | Conflict, strawberry.union("UpdateVolunteerResult")
]
UpdateActivityResult = Annotated[
    ActivityUpdated | InvalidInput | NotFound | StaleVersion | Conflict, strawberry.union("UpdateActivityResult")
]

VersionRead = Annotated[int, strawberry.argument(description="The `version` you read; StaleVersion if it changed")]


async def update_volunteer(
    info: GInfo, volunteer_id: strawberry.ID, version: VersionRead, input: UpdateVolunteerInput
) -> UpdateVolunteerResult:
    """The volunteer (or managing staff) changes profile fields of the version they read."""
    caller(info, roles=WRITERS)
    volunteer = local_id(volunteer_id, "Volunteer")
    volunteers = info.context.upstreams.volunteers.volunteers

    async def update() -> c.Volunteer | InvalidInput:
        body = parsed(c.VolunteerUpdate, body_of(input))
        if isinstance(body, InvalidInput):
            return body
        return await volunteers.update(volunteer, body, version=version)

    result: UpdateVolunteerResult = await outcome(
        update, passing_invalid(lambda m: VolunteerUpdated(volunteer=Volunteer.from_model(m))), UpdateVolunteerResult
    )
    return result


async def update_activity(
    info: GInfo, activity_id: strawberry.ID, version: VersionRead, input: UpdateActivityInput
) -> UpdateActivityResult:
    """The organiser changes an activity of the version they read (a capacity below the confirmed
    sign-ups is a Conflict)."""
    caller(info, roles=WRITERS)
    activity = local_id(activity_id, "Activity")
    activities = info.context.upstreams.volunteers.activities

    async def update() -> c.Activity | InvalidInput:
        body = parsed(c.ActivityUpdate, body_of(input))
        if isinstance(body, InvalidInput):
            return body
        return await activities.update(activity, body, version=version)

    result: UpdateActivityResult = await outcome(
        update, passing_invalid(lambda m: ActivityUpdated(activity=Activity.from_model(m))), UpdateActivityResult
    )
    return result
