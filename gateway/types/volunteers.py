"""GraphQL types of the volunteers service: volunteers, activities, sign-ups, care assignments and
visits, hours, teams. Each is built from a model of services/volunteers/contract.py (`from_model`),
whoever read it: a typed client or the DataLoaders behind `node()` and relations."""

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Self

import strawberry
from strawberry.types import Info

from gateway.ids import to_global_id
from gateway.loaders import personal_fields
from gateway.lookahead import fields_on
from gateway.types import case as case_types
from gateway.types.common import Connection, Node, connection
from services.common.vocabulary import (
    ActivityState,
    CareAssignmentState,
    CareVisitOutcome,
    HoursCorrectionState,
    HoursEntryKind,
    Language,
    OrganiserKind,
    SignUpStatus,
    Skill,
    VolunteerHoursState,
    VolunteerVerification,
    WellbeingFlag,
)
from services.volunteers import contract as c

# GraphQL enums straight from the one vocabulary (strawberry.enum marks the class itself, so the
# annotations below name the vocabulary's classes and mypy sees real types).
for _codes in (
    OrganiserKind,
    ActivityState,
    SignUpStatus,
    VolunteerHoursState,
    VolunteerVerification,
    CareAssignmentState,
    CareVisitOutcome,
    WellbeingFlag,
    HoursEntryKind,
    HoursCorrectionState,
):
    strawberry.enum(_codes)


def gid(type_name: str, local: uuid.UUID | str) -> strawberry.ID:
    return strawberry.ID(to_global_id(type_name, local))


def _opt(value: uuid.UUID | None) -> str | None:
    return str(value) if value is not None else None


def related(info: Info, loader: str, key: str | None, build: Any, type_name: str = "") -> Any:
    """The record `key` of `loader` (None when absent or unreadable), through the request's
    DataLoader, with the personal fields of `type_name` the query selects."""
    if key is None:
        return None
    fields = personal_fields(loader, fields_on(info, type_name))

    async def load() -> Any:
        record = await info.context.loaders.selecting(loader, fields).load(key)
        return build(record) if record is not None else None

    return load()


def connection_of(nodes: Sequence[Any], next_cursor: str | None) -> Connection[Any]:
    """A page of nodes with the services' cursors (creation time, id)."""
    connected: Connection[Any] = connection(nodes, [(n.created_at, n.local_id) for n in nodes], next_cursor)
    return connected


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
    verification: VolunteerVerification
    version: int
    created_at: datetime
    local_id: strawberry.Private[str]
    platform_id: strawberry.Private[str]

    @classmethod
    def from_model(cls, m: c.Volunteer) -> Self:
        return cls(
            id=gid("Volunteer", m.id),
            name=m.name,
            phone=m.phone,
            id_number=m.id_number,
            personal_data_masked=m.personal_data_masked,
            skills=list(m.skills),
            languages=list(m.languages),
            region_code=m.region,
            availability=[AvailabilityWindow(weekday=w.weekday, start=w.start, end=w.end) for w in m.availability],
            max_hours_per_week=m.max_hours_per_week,
            verification=m.verification,
            version=m.version,
            created_at=m.created_at,
            local_id=str(m.id),
            platform_id=str(m.platform_id),
        )

    @strawberry.field(description="The station the volunteer registered with.")
    def platform(self, info: Info) -> case_types.Platform | None:
        return related(info, "platforms", self.platform_id, case_types.Platform.from_model)

    @strawberry.field(description="Recorded hours (approved), minutes awaiting approval, and the star level.")
    async def hours(self, info: Info) -> "HoursSummary":
        summary = await info.context.upstreams.volunteers.hours.summary(self.local_id)
        return HoursSummary.from_model(summary)


@strawberry.type(description="A volunteer activity (活动) with capacity and a waiting list.")
class Activity(Node):
    title: str
    organiser_kind: OrganiserKind
    place: str
    region_code: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    confirmed_count: int
    required_skills: list[Skill]
    is_public: bool
    state: ActivityState
    beneficiaries: int
    social_worker_participants: int
    donor_participants: int
    version: int
    created_at: datetime
    local_id: strawberry.Private[str]
    platform_id: strawberry.Private[str | None]
    team_id: strawberry.Private[str | None]
    project_id: strawberry.Private[str | None]

    @classmethod
    def from_model(cls, m: c.Activity) -> Self:
        return cls(
            id=gid("Activity", m.id),
            title=m.title,
            organiser_kind=m.organiser_kind,
            place=m.place,
            region_code=m.region,
            starts_at=m.starts_at,
            ends_at=m.ends_at,
            capacity=m.capacity,
            confirmed_count=m.confirmed_count,
            required_skills=list(m.required_skills),
            is_public=m.is_public,
            state=m.state,
            beneficiaries=m.beneficiaries,
            social_worker_participants=m.social_worker_participants,
            donor_participants=m.donor_participants,
            version=m.version,
            created_at=m.created_at,
            local_id=str(m.id),
            platform_id=_opt(m.platform_id),
            team_id=_opt(m.team_id),
            project_id=_opt(m.project_id),
        )

    @strawberry.field(description="The organising platform (organiser kind PLATFORM).")
    def platform(self, info: Info) -> case_types.Platform | None:
        return related(info, "platforms", self.platform_id, case_types.Platform.from_model)

    @strawberry.field(description="The project (服务项目) the activity belongs to, if any.")
    def project(self, info: Info) -> case_types.Project | None:
        return related(info, "projects", self.project_id, case_types.Project.from_model)

    @strawberry.field(description="The organising team (organiser kind TEAM).")
    def team(self, info: Info) -> "Team | None":
        return related(info, "teams", self.team_id, Team.from_model)

    @strawberry.field(
        description="Sign-ups, newest first (the organiser sees all, a volunteer their own); "
        "`status: WAITING` lists the waiting list."
    )
    async def sign_ups(
        self, info: Info, first: int = 10, after: str | None = None, status: SignUpStatus | None = None
    ) -> "Connection[SignUp]":
        page = await info.context.upstreams.volunteers.signups.of_activity(
            self.local_id, limit=max(1, min(first, 100)), cursor=after, status=status.value if status else None
        )
        return connection_of([SignUp.from_model(s) for s in page.items], page.next_cursor)

    @strawberry.field(description="The waiting list in arrival order: the first is promoted when a place frees.")
    async def waiting_list(self, info: Info) -> list["SignUp"]:
        page = await info.context.upstreams.volunteers.signups.of_activity(self.local_id, limit=100, status="waiting")
        return [SignUp.from_model(s) for s in sorted(page.items, key=lambda s: s.sequence)]


@strawberry.type(description="A sign-up for an activity: confirmed, or waiting in arrival order.")
class SignUp(Node):
    sequence: int
    status: SignUpStatus
    checked_in_at: datetime | None
    checked_out_at: datetime | None
    minutes: int | None
    hours_state: VolunteerHoursState
    version: int
    created_at: datetime
    local_id: strawberry.Private[str]
    activity_id: strawberry.Private[str]
    volunteer_id: strawberry.Private[str]

    @classmethod
    def from_model(cls, m: c.SignUp) -> Self:
        return cls(
            id=gid("SignUp", m.id),
            sequence=m.sequence,
            status=m.status,
            checked_in_at=m.checked_in_at,
            checked_out_at=m.checked_out_at,
            minutes=m.minutes,
            hours_state=m.hours_state,
            version=m.version,
            created_at=m.created_at,
            local_id=str(m.id),
            activity_id=str(m.activity_id),
            volunteer_id=str(m.volunteer_id),
        )

    @strawberry.field
    def activity(self, info: Info) -> Activity | None:
        return related(info, "activities", self.activity_id, Activity.from_model)

    @strawberry.field
    def volunteer(self, info: Info) -> Volunteer | None:
        return related(info, "volunteers", self.volunteer_id, Volunteer.from_model)


@strawberry.type(description="Weekly visits in Beijing time, e.g. Tuesday 15:00 for 60 minutes.")
class CareSchedule:
    weekday: int = strawberry.field(description="1 = Monday … 7 = Sunday")
    start: str
    duration_minutes: int


@strawberry.type(
    description="A volunteer assigned to an elder's care need (关爱服务安排). The visit address is shown to the "
    "assigned volunteer only while the assignment is active (and to the staff who manage it); otherwise masked."
)
class CareAssignment(Node):
    state: CareAssignmentState
    schedule: CareSchedule
    starts_on: date
    ends_on: date | None
    region_code: str
    visit_address: str
    address_masked: bool
    version: int
    created_at: datetime
    local_id: strawberry.Private[str]
    volunteer_id: strawberry.Private[str]
    need_id: strawberry.Private[str]
    platform_id: strawberry.Private[str]

    @classmethod
    def from_model(cls, m: c.CareAssignment) -> Self:
        return cls(
            id=gid("CareAssignment", m.id),
            state=m.state,
            schedule=CareSchedule(
                weekday=m.schedule.weekday, start=m.schedule.start, duration_minutes=m.schedule.duration_minutes
            ),
            starts_on=m.starts_on,
            ends_on=m.ends_on,
            region_code=m.region,
            visit_address=m.visit_address,
            address_masked=m.address_masked,
            version=m.version,
            created_at=m.created_at,
            local_id=str(m.id),
            volunteer_id=str(m.volunteer_id),
            need_id=str(m.need_id),
            platform_id=str(m.platform_id),
        )

    @strawberry.field
    def volunteer(self, info: Info) -> Volunteer | None:
        return related(info, "volunteers", self.volunteer_id, Volunteer.from_model)

    @strawberry.field(description="The care need served (case service; null when outside your scope).")
    def need(self, info: Info) -> case_types.Need | None:
        return related(info, "needs", self.need_id, case_types.Need.from_model)

    @strawberry.field(description="The elder visited: the need's recipient (null when outside your scope).")
    async def elder(self, info: Info) -> case_types.Recipient | None:
        need = await info.context.loaders.needs.load(self.need_id)
        if not need or isinstance(need, Exception):
            return None
        recipient_id = str(need.recipient_id)
        loaded: case_types.Recipient | None = await related(
            info, "recipients", recipient_id, case_types.Recipient.from_model, "Recipient"
        )
        return loaded

    @strawberry.field
    def platform(self, info: Info) -> case_types.Platform | None:
        return related(info, "platforms", self.platform_id, case_types.Platform.from_model)

    @strawberry.field(description="Visits logged on this assignment, newest first.")
    async def visits(self, info: Info, first: int = 10, after: str | None = None) -> "Connection[CareVisit]":
        page = await info.context.upstreams.volunteers.assignments.visits(
            self.local_id, limit=max(1, min(first, 100)), cursor=after
        )
        return connection_of([CareVisit.from_model(m) for m in page.items], page.next_cursor)


@strawberry.type(description="A care visit as logged by the volunteer: done or missed, with wellbeing flags.")
class CareVisit(Node):
    visited_at: datetime
    outcome: CareVisitOutcome
    minutes: int
    notes: str
    wellbeing_flags: list[WellbeingFlag]
    hours_state: VolunteerHoursState = strawberry.field(
        description="NONE (missed), PENDING (awaiting approveVisitHours) or APPROVED (in the hours ledger)"
    )
    recorded_by: str = strawberry.field(description="Who logged it (the token subject)")
    created_at: datetime
    local_id: strawberry.Private[str]
    volunteer_id: strawberry.Private[str]
    assignment_id: strawberry.Private[str]

    @classmethod
    def from_model(cls, m: c.CareVisit) -> Self:
        return cls(
            id=gid("CareVisit", m.id),
            visited_at=m.visited_at,
            outcome=m.outcome,
            minutes=m.minutes,
            notes=m.notes,
            wellbeing_flags=list(m.wellbeing_flags),
            hours_state=m.hours_state,
            recorded_by=m.recorded_by,
            created_at=m.created_at,
            local_id=str(m.id),
            volunteer_id=str(m.volunteer_id),
            assignment_id=str(m.assignment_id),
        )

    @strawberry.field
    def volunteer(self, info: Info) -> Volunteer | None:
        return related(info, "volunteers", self.volunteer_id, Volunteer.from_model)

    @strawberry.field
    def assignment(self, info: Info) -> CareAssignment | None:
        return related(info, "assignments", self.assignment_id, CareAssignment.from_model)


@strawberry.type(description="Minutes of one kind of service in the hours ledger.")
class MinutesOfKind:
    kind: HoursEntryKind
    minutes: int


@strawberry.type(
    description="A line of the hours ledger: an activity's or a visit's approved minutes, or a correction."
)
class HoursEntry(Node):
    kind: HoursEntryKind
    minutes: int
    hours: Decimal
    reason: str | None
    recorded_by: str
    created_at: datetime
    activity_id: strawberry.Private[str | None]

    @classmethod
    def from_model(cls, m: c.HoursEntry) -> Self:
        return cls(
            id=gid("HoursEntry", m.id),
            kind=m.kind,
            minutes=m.minutes,
            hours=m.hours,
            reason=m.reason,
            recorded_by=m.recorded_by,
            created_at=m.created_at,
            activity_id=_opt(m.activity_id),
        )

    @strawberry.field
    def activity(self, info: Info) -> Activity | None:
        return related(info, "activities", self.activity_id, Activity.from_model)


@strawberry.type(description="A volunteer's recorded service time (志愿服务时长) and the star level (星级) it earns.")
class HoursSummary:
    total_minutes: int = strawberry.field(description="Approved minutes (the ledger's total)")
    total_hours: Decimal = strawberry.field(description="The same in hours, to 2 places, rounded down")
    pending_minutes: int = strawberry.field(description="Checked-out and visit minutes awaiting approval")
    minutes_by_kind: list[MinutesOfKind]
    star_level: int = strawberry.field(description="0–5: one star at 100 hours, two at 300, … five at 1,500")
    minutes_to_next_level: int | None
    volunteer_id: strawberry.Private[str]

    @classmethod
    def from_model(cls, m: c.HoursSummary) -> Self:
        return cls(
            total_minutes=m.total_minutes,
            total_hours=m.total_hours,
            pending_minutes=m.pending_minutes,
            minutes_by_kind=[MinutesOfKind(kind=HoursEntryKind(k), minutes=n) for k, n in m.minutes_by_kind.items()],
            star_level=m.star_level,
            minutes_to_next_level=m.minutes_to_next_level,
            volunteer_id=str(m.volunteer_id),
        )

    @strawberry.field(description="The ledger, newest first.")
    async def entries(self, info: Info, first: int = 20, after: str | None = None) -> list[HoursEntry]:
        page = await info.context.upstreams.volunteers.hours.entries(
            self.volunteer_id, limit=max(1, min(first, 100)), cursor=after
        )
        return [HoursEntry.from_model(e) for e in page.items]


@strawberry.type(
    description="What a service certificate (志愿服务记录证明) states: the volunteer (name masked as on every read), "
    "their platform and region, the whole ledger oldest first, the totals and star level, when it was issued."
)
class ServiceCertificate:
    volunteer_name: str
    region_code: str
    summary: HoursSummary
    entries: list[HoursEntry]
    issued_at: datetime
    volunteer_id: strawberry.Private[str]
    platform_id: strawberry.Private[str]

    @classmethod
    def from_model(cls, m: c.ServiceRecord) -> Self:
        return cls(
            volunteer_name=m.name,
            region_code=m.region,
            summary=HoursSummary.from_model(m.summary),
            entries=[HoursEntry.from_model(e) for e in m.entries],
            issued_at=m.issued_at,
            volunteer_id=str(m.volunteer_id),
            platform_id=str(m.platform_id),
        )

    @strawberry.field
    def volunteer(self, info: Info) -> Volunteer | None:
        return related(info, "volunteers", self.volunteer_id, Volunteer.from_model)

    @strawberry.field
    def platform(self, info: Info) -> case_types.Platform | None:
        return related(info, "platforms", self.platform_id, case_types.Platform.from_model)


@strawberry.type(description="A member (or leader) of a team.")
class TeamMember:
    is_leader: bool
    joined_at: datetime
    volunteer_id: strawberry.Private[str]

    @classmethod
    def from_model(cls, m: c.TeamMember) -> Self:
        return cls(is_leader=m.is_leader, joined_at=m.created_at, volunteer_id=str(m.volunteer_id))

    @strawberry.field
    def volunteer(self, info: Info) -> Volunteer | None:
        return related(info, "volunteers", self.volunteer_id, Volunteer.from_model)


@strawberry.type(description="A volunteer team (志愿服务队伍) of a platform or an organisation.")
class Team(Node):
    name: str
    region_code: str
    version: int
    created_at: datetime
    local_id: strawberry.Private[str]
    platform_id: strawberry.Private[str | None]
    org_id: strawberry.Private[str | None]

    @classmethod
    def from_model(cls, m: c.Team) -> Self:
        return cls(
            id=gid("Team", m.id),
            name=m.name,
            region_code=m.region,
            version=m.version,
            created_at=m.created_at,
            local_id=str(m.id),
            platform_id=_opt(m.platform_id),
            org_id=_opt(m.org_id),
        )

    @strawberry.field
    def platform(self, info: Info) -> case_types.Platform | None:
        return related(info, "platforms", self.platform_id, case_types.Platform.from_model)

    @strawberry.field(description="Members, leaders first.")
    async def members(self, info: Info) -> list[TeamMember]:
        return [TeamMember.from_model(m) for m in await info.context.upstreams.volunteers.teams.members(self.local_id)]


@strawberry.type(
    description="A volunteer's request to correct their hours (minutes ± and why); the activity's organiser, "
    "or else the staff of the volunteer's platform, approves it into one correction entry or refuses it."
)
class HoursCorrectionRequest(Node):
    volunteer_id: strawberry.ID
    activity_id: strawberry.ID | None
    minutes: int
    reason: str
    state: HoursCorrectionState
    decided_at: datetime | None
    decision_note: str | None
    requested_at: datetime

    @classmethod
    def from_model(cls, m: c.HoursCorrectionRequest) -> Self:
        return cls(
            id=gid("HoursCorrectionRequest", m.id),
            volunteer_id=gid("Volunteer", m.volunteer_id),
            activity_id=gid("Activity", m.activity_id) if m.activity_id else None,
            minutes=m.minutes,
            reason=m.reason,
            state=m.state,
            decided_at=m.decided_at,
            decision_note=m.decision_note,
            requested_at=m.created_at,
        )


# Global id type name -> (loader name, how a record becomes the GraphQL type), for `node(id:)`.
NODES: dict[str, tuple[str, Any]] = {
    "Volunteer": ("volunteers", Volunteer.from_model),
    "Activity": ("activities", Activity.from_model),
    "SignUp": ("signups", SignUp.from_model),
    "CareAssignment": ("assignments", CareAssignment.from_model),
    "CareVisit": ("visits", CareVisit.from_model),
    "Team": ("teams", Team.from_model),
    "HoursEntry": ("hours_entries", HoursEntry.from_model),
    "HoursCorrectionRequest": ("correction_requests", HoursCorrectionRequest.from_model),
}
