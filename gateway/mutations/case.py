"""Mutations over the case service. Expected refusals come back as union members."""

import datetime as dt
import enum
from decimal import Decimal
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from gateway.auth import caller
from gateway.clients.base import UpstreamError
from gateway.context import GatewayContext
from gateway.ids import local_id, to_global_id
from gateway.mutations.inputs import body_of, idempotency_headers
from gateway.outcomes import outcome, refusal
from gateway.types.case import Case, Need, Platform, Recipient, Staff
from gateway.types.common import (
    CaseState,
    Certification,
    Conflict,
    Gender,
    InvalidInput,
    ItemCategory,
    Language,
    NeedKind,
    NotFound,
    PlatformLevel,
    RecipientCategory,
    RiskLevel,
    ServiceDomain,
    ServiceModel,
    Skill,
    StaffRole,
    StaffSpecialty,
    StaleVersion,
)
from services.common.vocabulary import STAFF_ROLES

GInfo = Info[GatewayContext, None]


@strawberry.type
class PlatformCreated:
    platform: Platform


@strawberry.type
class StaffAdded:
    staff: Staff


@strawberry.type
class RecipientCreated:
    recipient: Recipient


@strawberry.type
class CaseOpened:
    case: Case


@strawberry.type
class CaseAdvanced:
    case: Case
    ended_assignment_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Care assignments ended because their need was cancelled on closing"
    )


@strawberry.enum(description="What becomes of an open need when its case closes.")
class CloseDecision(enum.Enum):
    CANCEL = "cancel"
    KEEP = "keep"


@strawberry.input(description="The decision for one open need of a case being closed; KEEP needs a reason.")
class NeedDecisionInput:
    need_id: strawberry.ID
    decision: CloseDecision
    reason: str = ""


@strawberry.type(description="An open need the close request did not decide.")
class UndecidedNeed:
    id: strawberry.ID
    kind: str
    title: str
    state: str


@strawberry.type(description="The case was not closed: decide every open need first (cancel, or keep with a reason).")
class NeedsUndecided:
    message: str
    message_zh: str
    needs: list[UndecidedNeed]


@strawberry.type
class NeedPublished:
    need: Need


@strawberry.type
class NeedChanged:
    need: Need


CreatePlatformResult = Annotated[
    PlatformCreated | InvalidInput | NotFound | Conflict, strawberry.union("CreatePlatformResult")
]
AddStaffResult = Annotated[StaffAdded | InvalidInput | NotFound | Conflict, strawberry.union("AddStaffResult")]
CreateRecipientResult = Annotated[
    RecipientCreated | InvalidInput | NotFound | Conflict, strawberry.union("CreateRecipientResult")
]
OpenCaseResult = Annotated[CaseOpened | InvalidInput | NotFound, strawberry.union("OpenCaseResult")]
AdvanceCaseResult = Annotated[
    CaseAdvanced | NeedsUndecided | InvalidInput | NotFound | Conflict | StaleVersion,
    strawberry.union("AdvanceCaseResult"),
]
PublishNeedResult = Annotated[NeedPublished | InvalidInput | NotFound | Conflict, strawberry.union("PublishNeedResult")]
ChangeNeedResult = Annotated[
    NeedChanged | InvalidInput | NotFound | Conflict | StaleVersion, strawberry.union("ChangeNeedResult")
]


@strawberry.input
class CreatePlatformInput:
    name: str
    level: PlatformLevel
    region_code: str
    parent_id: strawberry.ID | None = None
    service_model: ServiceModel | None = None
    address: str = ""
    phone: str = ""


@strawberry.input
class AddStaffInput:
    name: str
    role: StaffRole
    specialty: StaffSpecialty | None = None
    certification: Certification = Certification.NONE


@strawberry.input
class ConsentInput:
    given_by: str
    given_at: dt.datetime
    purpose: str


@strawberry.input
class CreateRecipientInput:
    platform_id: strawberry.ID
    region_code: str
    name: str
    gender: Gender
    birth_date: dt.date
    categories: list[RecipientCategory]
    id_number: str
    consent: ConsentInput
    phone: str | None = None
    address: str = ""
    disability_grade: int | None = None
    health_notes: str = ""


@strawberry.input
class OpenCaseInput:
    recipient_id: strawberry.ID
    domain: ServiceDomain
    risk_level: RiskLevel = RiskLevel.LOW
    assigned_worker_id: strawberry.ID | None = None
    project_id: strawberry.ID | None = None
    summary: str = ""


@strawberry.input
class PublishNeedInput:
    case_id: strawberry.ID
    kind: NeedKind
    title: str
    description: str = ""
    project_id: strawberry.ID | None = None
    deadline: dt.datetime | None = None
    item_category: ItemCategory | None = None
    quantity: int | None = None
    estimated_value: Decimal | None = None
    visits_per_month: int | None = None
    visit_minutes: int | None = None
    skills: list[Skill] = strawberry.field(default_factory=list)
    languages: list[Language] = strawberry.field(default_factory=list)
    amount: Decimal | None = None


def _staff(info: GInfo) -> None:
    caller(info, roles=STAFF_ROLES)


async def create_platform(
    info: GInfo, input: CreatePlatformInput, idempotency_key: str | None = None
) -> CreatePlatformResult:
    """Add a county centre, a station (under a centre) or a community room (under a station)."""
    _staff(info)
    client = info.context.upstreams.case
    return await outcome(
        lambda: client.post("/v1/platforms", body_of(input), headers=idempotency_headers(idempotency_key)),
        lambda r: PlatformCreated(platform=Platform.from_record(r)),
    )


async def add_staff(
    info: GInfo, platform_id: strawberry.ID, input: AddStaffInput, idempotency_key: str | None = None
) -> AddStaffResult:
    """Add a station head, deputy or resident social worker to a platform."""
    _staff(info)
    client = info.context.upstreams.case
    path = f"/v1/platforms/{local_id(platform_id, 'Platform')}/staff"
    return await outcome(
        lambda: client.post(path, body_of(input), headers=idempotency_headers(idempotency_key)),
        lambda r: StaffAdded(staff=Staff.from_record(r)),
    )


async def create_recipient(
    info: GInfo, input: CreateRecipientInput, idempotency_key: str | None = None
) -> CreateRecipientResult:
    """Record a recipient with their consent; a duplicate ID number is a Conflict naming the existing record."""
    _staff(info)
    body = body_of(input)
    client = info.context.upstreams.case
    return await outcome(
        lambda: client.post("/v1/recipients", body, headers=idempotency_headers(idempotency_key)),
        lambda r: RecipientCreated(recipient=Recipient.from_record(r)),
    )


async def open_case(info: GInfo, input: OpenCaseInput, idempotency_key: str | None = None) -> OpenCaseResult:
    """Open a case (接案) for a recipient."""
    _staff(info)
    client = info.context.upstreams.case
    return await outcome(
        lambda: client.post("/v1/cases", body_of(input), headers=idempotency_headers(idempotency_key)),
        lambda r: CaseOpened(case=Case.from_record(r)),
    )


async def advance_case(
    info: GInfo,
    case_id: strawberry.ID,
    to_state: CaseState,
    note: str = "",
    expected_version: int | None = None,
    needs: list[NeedDecisionInput] | None = None,
) -> AdvanceCaseResult:
    """Move a case along its service process; an illegal step is a Conflict listing the allowed ones.
    Closing takes a decision for every open need (else NeedsUndecided); the care assignments of the
    needs it cancels are ended in the same request, so their volunteers no longer see the address."""
    _staff(info)
    client = info.context.upstreams.case
    headers = {"If-Match": f'"{expected_version}"'} if expected_version is not None else None
    path = f"/v1/cases/{local_id(case_id, 'Case')}/transitions"
    decisions = [
        {"need_id": str(local_id(d.need_id, "Need")), "decision": d.decision.value, "reason": d.reason}
        for d in needs or []
    ]
    body = {"to_state": to_state.value, "note": note, "needs": decisions}
    try:
        record = await client.post(path, body, headers=headers)
    except UpstreamError as exc:
        if exc.code == "UNDECIDED_NEEDS":
            return _undecided(exc.problem)
        refused = refusal(exc)
        if refused is None:
            raise
        return refused
    cancelled = {d["need_id"] for d in decisions if d["decision"] == "cancel"}
    ended = await end_assignments_of(info, cancelled) if to_state is CaseState.CLOSED and cancelled else []
    return CaseAdvanced(case=Case.from_record(record), ended_assignment_ids=ended)


def _undecided(problem: dict[str, Any]) -> NeedsUndecided:
    return NeedsUndecided(
        message=str(problem.get("detail", "")),
        message_zh=str(problem.get("detail_zh", "")),
        needs=[
            UndecidedNeed(
                id=strawberry.ID(to_global_id("Need", n["id"])), kind=n["kind"], title=n["title"], state=n["state"]
            )
            for n in problem.get("undecided", [])
        ],
    )


async def end_assignments_of(info: GInfo, need_ids: set[str]) -> list[strawberry.ID]:
    """End the active care assignments of the given needs (the volunteers service masks the address)."""
    volunteers = info.context.upstreams.volunteers
    ended: list[strawberry.ID] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"state": "active", "limit": 100}
        if cursor:
            params["cursor"] = cursor
        page = await volunteers.get("/v1/assignments", **params)
        for assignment in page["items"]:
            if assignment["need_id"] in need_ids:
                done = await volunteers.post(f"/v1/assignments/{assignment['id']}/end")
                ended.append(strawberry.ID(str(done["id"])))
        cursor = page.get("next_cursor")
        if not cursor:
            return ended


async def publish_need(info: GInfo, input: PublishNeedInput, idempotency_key: str | None = None) -> PublishNeedResult:
    """Publish a micro-wish, care need or funding need from an active case."""
    _staff(info)
    body = body_of(input)
    client = info.context.upstreams.case
    return await outcome(
        lambda: client.post("/v1/needs", body, headers=idempotency_headers(idempotency_key)),
        lambda r: NeedPublished(need=Need.from_record(r)),
    )


async def cancel_need(info: GInfo, need_id: strawberry.ID, reason: str = "") -> ChangeNeedResult:
    """Withdraw an open, pending or matched need."""
    _staff(info)
    client = info.context.upstreams.case
    path = f"/v1/needs/{local_id(need_id, 'Need')}/cancel"
    return await outcome(lambda: client.post(path, {"reason": reason}), lambda r: NeedChanged(need=Need.from_record(r)))


@strawberry.type
class CaseMutationFields:
    """The mutations this module resolves (merged into the schema's root type)."""

    create_platform = strawberry.mutation(resolver=create_platform)
    add_staff = strawberry.mutation(resolver=add_staff)
    create_recipient = strawberry.mutation(resolver=create_recipient)
    open_case = strawberry.mutation(resolver=open_case)
    advance_case = strawberry.mutation(resolver=advance_case)
    publish_need = strawberry.mutation(resolver=publish_need)
    cancel_need = strawberry.mutation(resolver=cancel_need)
