"""Mutations over the case service. Expected refusals come back as union members."""

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Self

import strawberry
from strawberry.types import Info

from gateway.auth import caller
from gateway.clients.base import UpstreamError
from gateway.context import GatewayContext
from gateway.ids import local_id, to_global_id
from gateway.mutations.inputs import body_of
from gateway.outcomes import messages, outcome, refusal_for
from gateway.types.case import Case, Need, Platform, Recipient, Staff
from gateway.types.common import Conflict, InvalidInput, NotFound, StaleVersion
from services.case.contract import CloseDecision, RecipientDuplicate, UndecidedNeeds
from services.common.vocabulary import (
    STAFF_ROLES,
    CaseState,
    Certification,
    Gender,
    ItemCategory,
    Language,
    NeedKind,
    NeedState,
    PlatformLevel,
    RecipientCategory,
    RiskLevel,
    ServiceDomain,
    ServiceModel,
    Skill,
    StaffRole,
    StaffSpecialty,
)

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


@refusal_for("RECIPIENT_ALREADY_RECORDED")
@strawberry.type(
    description="This ID number is recorded already; `existingRecipientId` is the record, when you may read it."
)
class RecipientAlreadyRecorded:
    message: str
    message_zh: str
    existing_recipient_id: strawberry.ID | None
    masked_name: str | None = strawberry.field(description="The existing record's name, masked (巴**)")

    @classmethod
    def from_refusal(cls, exc: UpstreamError) -> Self:
        existing = RecipientDuplicate.model_validate(exc.problem).existing
        message, message_zh = messages(exc)
        return cls(
            message=message,
            message_zh=message_zh,
            existing_recipient_id=strawberry.ID(to_global_id("Recipient", existing.id)) if existing else None,
            masked_name=existing.name if existing else None,
        )


@refusal_for("RECIPIENT_RECORDED_ELSEWHERE")
@strawberry.type(description="Another platform recorded this person: contact it to transfer the record.")
class RecipientRecordedElsewhere:
    message: str
    message_zh: str
    platform_name: str
    phone: str | None

    @classmethod
    def from_refusal(cls, exc: UpstreamError) -> Self:
        registered_by = RecipientDuplicate.model_validate(exc.problem).registered_by
        message, message_zh = messages(exc)
        return cls(
            message=message,
            message_zh=message_zh,
            platform_name=registered_by.platform_name if registered_by else "",
            phone=registered_by.phone if registered_by else None,
        )


@strawberry.type
class CaseOpened:
    case: Case


@strawberry.type
class CaseAdvanced:
    case: Case
    ended_assignment_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Care assignments ended because their need was cancelled on closing"
    )


strawberry.enum(CloseDecision, description="What becomes of an open need when its case closes.")


@strawberry.input(description="The decision for one open need of a case being closed; KEEP needs a reason.")
class NeedDecisionInput:
    need_id: strawberry.ID
    decision: CloseDecision
    reason: str = ""


@strawberry.type(description="An open need the close request did not decide.")
class UndecidedNeed:
    id: strawberry.ID
    kind: NeedKind
    title: str
    state: NeedState


@refusal_for("UNDECIDED_NEEDS")
@strawberry.type(description="The case was not closed: decide every open need first (cancel, or keep with a reason).")
class NeedsUndecided:
    message: str
    message_zh: str
    needs: list[UndecidedNeed]

    @classmethod
    def from_refusal(cls, exc: UpstreamError) -> Self:
        problem = UndecidedNeeds.model_validate(exc.problem)
        message, message_zh = messages(exc)
        return cls(
            message=message,
            message_zh=message_zh,
            needs=[
                UndecidedNeed(id=strawberry.ID(to_global_id("Need", n.id)), kind=n.kind, title=n.title, state=n.state)
                for n in problem.undecided
            ],
        )


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
    RecipientCreated | RecipientAlreadyRecorded | RecipientRecordedElsewhere | InvalidInput | NotFound | Conflict,
    strawberry.union("CreateRecipientResult"),
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
    platforms = info.context.upstreams.case.platforms
    return await outcome(
        lambda: platforms.create(body_of(input), idempotency_key=idempotency_key),
        lambda m: PlatformCreated(platform=Platform.from_model(m)),
        CreatePlatformResult,
    )


async def add_staff(
    info: GInfo, platform_id: strawberry.ID, input: AddStaffInput, idempotency_key: str | None = None
) -> AddStaffResult:
    """Add a station head, deputy or resident social worker to a platform."""
    _staff(info)
    platforms = info.context.upstreams.case.platforms
    platform = local_id(platform_id, "Platform")
    return await outcome(
        lambda: platforms.add_staff(platform, body_of(input), idempotency_key=idempotency_key),
        lambda m: StaffAdded(staff=Staff.from_model(m)),
        AddStaffResult,
    )


async def create_recipient(
    info: GInfo, input: CreateRecipientInput, idempotency_key: str | None = None
) -> CreateRecipientResult:
    """Record a recipient with their consent. A duplicate ID number is RecipientAlreadyRecorded (naming
    the record you may read) or RecipientRecordedElsewhere (whom to contact); a refused field (a wrong
    ID check digit) is InvalidInput with its reason in `errors`."""
    _staff(info)
    recipients = info.context.upstreams.case.recipients
    return await outcome(
        lambda: recipients.create(body_of(input), idempotency_key=idempotency_key),
        lambda m: RecipientCreated(recipient=Recipient.from_model(m)),
        CreateRecipientResult,
    )


async def open_case(info: GInfo, input: OpenCaseInput, idempotency_key: str | None = None) -> OpenCaseResult:
    """Open a case (接案) for a recipient."""
    _staff(info)
    cases = info.context.upstreams.case.cases
    return await outcome(
        lambda: cases.open(body_of(input), idempotency_key=idempotency_key),
        lambda m: CaseOpened(case=Case.from_model(m)),
        OpenCaseResult,
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
    cases = info.context.upstreams.case.cases
    local = local_id(case_id, "Case")
    decisions = [
        {"need_id": str(local_id(d.need_id, "Need")), "decision": d.decision.value, "reason": d.reason}
        for d in needs or []
    ]
    body = {"to_state": to_state.value, "note": note, "needs": decisions}
    result = await outcome(
        lambda: cases.advance(local, body, version=expected_version),
        lambda m: CaseAdvanced(case=Case.from_model(m)),
        AdvanceCaseResult,
    )
    cancelled = {local_id(d.need_id, "Need") for d in needs or [] if d.decision is CloseDecision.CANCEL}
    if isinstance(result, CaseAdvanced) and to_state is CaseState.CLOSED and cancelled:
        result.ended_assignment_ids = await end_assignments_of(info, cancelled)
    return result


async def end_assignments_of(info: GInfo, need_ids: set[uuid.UUID]) -> list[strawberry.ID]:
    """End the active care assignments of the given needs (the volunteers service masks the address)."""
    assignments = info.context.upstreams.volunteers.assignments
    ended: list[strawberry.ID] = []
    cursor: str | None = None
    while True:
        page = await assignments.page(state="active", limit=100, cursor=cursor)
        for assignment in page.items:
            if assignment.need_id in need_ids:
                done = await assignments.end(assignment.id)
                ended.append(strawberry.ID(to_global_id("CareAssignment", done.id)))
        cursor = page.next_cursor
        if not cursor:
            return ended


async def publish_need(info: GInfo, input: PublishNeedInput, idempotency_key: str | None = None) -> PublishNeedResult:
    """Publish a micro-wish, care need or funding need from an active case."""
    _staff(info)
    needs = info.context.upstreams.case.needs
    return await outcome(
        lambda: needs.publish(body_of(input), idempotency_key=idempotency_key),
        lambda m: NeedPublished(need=Need.from_model(m)),
        PublishNeedResult,
    )


async def cancel_need(info: GInfo, need_id: strawberry.ID, reason: str = "") -> ChangeNeedResult:
    """Withdraw an open, pending or matched need."""
    _staff(info)
    needs = info.context.upstreams.case.needs
    local = local_id(need_id, "Need")
    return await outcome(
        lambda: needs.cancel(local, reason), lambda m: NeedChanged(need=Need.from_model(m)), ChangeNeedResult
    )


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
