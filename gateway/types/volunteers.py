"""GraphQL types of the volunteers service: volunteers, activities, sign-ups."""

from datetime import datetime
from typing import Any, Self

import strawberry

from gateway.types.common import Language, Node, Skill, global_id, parse_time


@strawberry.type
class AvailabilityWindow:
    weekday: int = strawberry.field(description="1 = Monday … 7 = Sunday")
    start: str
    end: str


@strawberry.type(
    description="A volunteer. Name, phone and ID arrive masked unless you are the volunteer or their station."
)
class Volunteer(Node):
    name: str
    phone: str
    id_number: str
    personal_data_masked: bool
    skills: list[Skill]
    languages: list[Language]
    region_code: str
    availability: list[AvailabilityWindow]
    max_hours_per_week: int | None
    verification: str
    version: int
    created_at: datetime

    @classmethod
    def from_record(cls, r: dict[str, Any]) -> Self:
        return cls(
            id=global_id("Volunteer", r),
            name=r["name"],
            phone=r["phone"],
            id_number=r["id_number"],
            personal_data_masked=r["personal_data_masked"],
            skills=[Skill(s) for s in r["skills"]],
            languages=[Language(x) for x in r["languages"]],
            region_code=r["region"],
            availability=[AvailabilityWindow(**w) for w in r["availability"]],
            max_hours_per_week=r["max_hours_per_week"],
            verification=r["verification"],
            version=r["version"],
            created_at=datetime.fromisoformat(r["created_at"]),
        )


@strawberry.type(description="A volunteer activity (活动) with capacity and a waiting list.")
class Activity(Node):
    title: str
    organiser_kind: str
    place: str
    region_code: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    confirmed_count: int
    required_skills: list[Skill]
    is_public: bool
    state: str
    beneficiaries: int
    version: int
    created_at: datetime

    @classmethod
    def from_record(cls, r: dict[str, Any]) -> Self:
        return cls(
            id=global_id("Activity", r),
            title=r["title"],
            organiser_kind=r["organiser_kind"],
            place=r["place"],
            region_code=r["region"],
            starts_at=datetime.fromisoformat(r["starts_at"]),
            ends_at=datetime.fromisoformat(r["ends_at"]),
            capacity=r["capacity"],
            confirmed_count=r["confirmed_count"],
            required_skills=[Skill(s) for s in r["required_skills"]],
            is_public=r["is_public"],
            state=r["state"],
            beneficiaries=r["beneficiaries"],
            version=r["version"],
            created_at=datetime.fromisoformat(r["created_at"]),
        )


@strawberry.type(description="A sign-up for an activity: confirmed, or waiting in arrival order.")
class SignUp(Node):
    sequence: int
    status: str
    checked_in_at: datetime | None
    checked_out_at: datetime | None
    minutes: int | None
    hours_state: str

    @classmethod
    def from_record(cls, r: dict[str, Any]) -> Self:
        return cls(
            id=global_id("SignUp", r),
            sequence=r["sequence"],
            status=r["status"],
            checked_in_at=parse_time(r["checked_in_at"]),
            checked_out_at=parse_time(r["checked_out_at"]),
            minutes=r["minutes"],
            hours_state=r["hours_state"],
        )


@strawberry.type(description="A care visit as logged by the volunteer: done or missed, with wellbeing flags.")
class CareVisit(Node):
    visited_at: datetime
    outcome: str
    minutes: int
    notes: str
    wellbeing_flags: list[str]
    hours_state: str = strawberry.field(
        description="none (missed), pending (awaiting approveVisitHours) or approved (in the hours ledger)"
    )
    volunteer_id: strawberry.Private[str]

    @classmethod
    def from_record(cls, r: dict[str, Any]) -> Self:
        return cls(
            id=global_id("CareVisit", r),
            visited_at=datetime.fromisoformat(r["visited_at"]),
            outcome=r["outcome"],
            minutes=r["minutes"],
            notes=r["notes"],
            wellbeing_flags=[str(f) for f in r["wellbeing_flags"]],
            hours_state=str(r.get("hours_state", "")),
            volunteer_id=r["volunteer_id"],
        )


@strawberry.type(
    description="A volunteer's request to correct their hours (minutes ± and why); the activity's organiser, "
    "or else the staff of the volunteer's platform, approves it into one correction entry or refuses it."
)
class HoursCorrectionRequest:
    id: strawberry.ID
    volunteer_id: strawberry.ID
    activity_id: strawberry.ID | None
    minutes: int
    reason: str
    state: str = strawberry.field(description="requested, approved or refused")
    decided_at: datetime | None
    decision_note: str | None
    requested_at: datetime

    @classmethod
    def from_record(cls, r: dict[str, Any]) -> Self:
        return cls(
            id=global_id("HoursCorrectionRequest", r),
            volunteer_id=global_id("Volunteer", {"id": r["volunteer_id"]}),
            activity_id=global_id("Activity", {"id": r["activity_id"]}) if r.get("activity_id") else None,
            minutes=r["minutes"],
            reason=r["reason"],
            state=r["state"],
            decided_at=parse_time(r.get("decided_at")),
            decision_note=r.get("decision_note"),
            requested_at=datetime.fromisoformat(r["created_at"]),
        )


# Global id type name -> (loader name, how a record becomes the GraphQL type), for `node(id:)`.
NODES: dict[str, tuple[str, Any]] = {
    "Volunteer": ("volunteers", Volunteer.from_record),
    "Activity": ("activities", Activity.from_record),
}
