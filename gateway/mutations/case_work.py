"""The rest of a station's daily writes: service records, referrals, projects, edits."""

import datetime as dt
from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry.types import Info

from gateway.auth import caller
from gateway.context import GatewayContext
from gateway.ids import local_id
from gateway.mutations.inputs import body_of
from gateway.outcomes import outcome
from gateway.types.case import Need, Project, Recipient, Referral, ServiceRecord
from gateway.types.common import Conflict, FieldError, InvalidInput, NotFound, StaleVersion
from services.common.vocabulary import STAFF_ROLES, RecipientCategory, ReferralState, ServiceRecordKind

GInfo = Info[GatewayContext, None]


@strawberry.type
class ServiceRecorded:
    record: ServiceRecord


@strawberry.type
class ReferralChanged:
    referral: Referral


@strawberry.type
class ProjectCreated:
    project: Project


@strawberry.type
class RecipientUpdated:
    recipient: Recipient


@strawberry.type
class NeedUpdated:
    need: Need


AddServiceRecordResult = Annotated[
    ServiceRecorded | InvalidInput | NotFound | Conflict, strawberry.union("AddServiceRecordResult")
]
ReferralResult = Annotated[ReferralChanged | InvalidInput | NotFound | Conflict, strawberry.union("ReferralResult")]
CreateProjectResult = Annotated[ProjectCreated | InvalidInput | NotFound, strawberry.union("CreateProjectResult")]
UpdateRecipientResult = Annotated[
    RecipientUpdated | InvalidInput | NotFound | StaleVersion, strawberry.union("UpdateRecipientResult")
]
UpdateNeedResult = Annotated[
    NeedUpdated | InvalidInput | NotFound | Conflict | StaleVersion, strawberry.union("UpdateNeedResult")
]


@strawberry.input
class ServiceRecordInput:
    kind: ServiceRecordKind
    served_on: dt.date
    beneficiaries: int = 1
    worker_id: strawberry.ID | None = None
    note: str = ""


@strawberry.input
class CreateProjectInput:
    platform_id: strawberry.ID
    name: str
    is_brand: bool = False
    description: str = ""
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None


@strawberry.input(description="Only the fields you give change.")
class UpdateRecipientInput:
    phone: str | None = strawberry.UNSET
    address: str | None = strawberry.UNSET
    categories: list[RecipientCategory] | None = strawberry.UNSET
    disability_grade: int | None = strawberry.UNSET
    health_notes: str | None = strawberry.UNSET


@strawberry.input(description="Only the fields you give change; an open need only.")
class UpdateNeedInput:
    title: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    quantity: int | None = strawberry.UNSET
    estimated_value: Decimal | None = strawberry.UNSET
    amount: Decimal | None = strawberry.UNSET
    deadline: dt.datetime | None = strawberry.UNSET


async def add_service_record(
    info: GInfo, case_id: strawberry.ID, input: ServiceRecordInput, idempotency_key: str | None = None
) -> AddServiceRecordResult:
    """Record a service on a case (入户走访, 政策宣传, 资源链接, 精神慰藉 …) with its beneficiaries."""
    caller(info, roles=STAFF_ROLES)
    cases = info.context.upstreams.case.cases
    local = local_id(case_id, "Case")
    return await outcome(
        lambda: cases.add_record(local, body_of(input), idempotency_key=idempotency_key),
        lambda m: ServiceRecorded(record=ServiceRecord.from_model(m)),
        AddServiceRecordResult,
    )


async def refer_case(
    info: GInfo, case_id: strawberry.ID, to_agency: str, reason: str, idempotency_key: str | None = None
) -> ReferralResult:
    """Refer a case to another agency (转介); the case waits in `referred` for the outcome."""
    caller(info, roles=STAFF_ROLES)
    cases = info.context.upstreams.case.cases
    local = local_id(case_id, "Case")
    body = {"to_agency": to_agency, "reason": reason}
    return await outcome(
        lambda: cases.refer(local, body, idempotency_key=idempotency_key),
        lambda m: ReferralChanged(referral=Referral.from_model(m)),
        ReferralResult,
    )


async def settle_referral(
    info: GInfo, referral_id: strawberry.ID, outcome_state: ReferralState, note: str = ""
) -> ReferralResult:
    """Close the loop of a referral: ACCEPTED, DECLINED, COMPLETED or CANCELLED (SENT is no outcome)."""
    caller(info, roles=STAFF_ROLES)
    local = local_id(referral_id, "Referral")
    if outcome_state is ReferralState.SENT:
        message, message_zh = (
            "A referral is settled accepted, declined, completed or cancelled.",
            "转介结果不能为已转出。",
        )
        error = FieldError(field="outcome_state", message=message, message_zh=message_zh, code="enum")
        return InvalidInput(message=message, message_zh=message_zh, fields=[error.field], errors=[error])
    referrals = info.context.upstreams.case.referrals
    return await outcome(
        lambda: referrals.settle(local, outcome_state, note),
        lambda m: ReferralChanged(referral=Referral.from_model(m)),
        ReferralResult,
    )


async def create_project(
    info: GInfo, input: CreateProjectInput, idempotency_key: str | None = None
) -> CreateProjectResult:
    """Start a pilot or brand project (e.g. 圆梦微心愿, 空巢不空) at a platform."""
    caller(info, roles=STAFF_ROLES)
    projects = info.context.upstreams.case.projects
    return await outcome(
        lambda: projects.create(body_of(input), idempotency_key=idempotency_key),
        lambda m: ProjectCreated(project=Project.from_model(m)),
        CreateProjectResult,
    )


async def update_recipient(
    info: GInfo, recipient_id: strawberry.ID, expected_version: int, input: UpdateRecipientInput
) -> UpdateRecipientResult:
    """Change a recipient's contact data, categories or health notes (If-Match: the version you read)."""
    caller(info, roles=STAFF_ROLES)
    recipients = info.context.upstreams.case.recipients
    local = local_id(recipient_id, "Recipient")
    return await outcome(
        lambda: recipients.update(local, body_of(input), version=expected_version),
        lambda m: RecipientUpdated(recipient=Recipient.from_model(m)),
        UpdateRecipientResult,
    )


async def update_need(
    info: GInfo, need_id: strawberry.ID, expected_version: int, input: UpdateNeedInput
) -> UpdateNeedResult:
    """Edit an open need; a stale version is StaleVersion, so two editors never overwrite each other."""
    caller(info, roles=STAFF_ROLES)
    needs = info.context.upstreams.case.needs
    local = local_id(need_id, "Need")
    return await outcome(
        lambda: needs.update(local, body_of(input), version=expected_version),
        lambda m: NeedUpdated(need=Need.from_model(m)),
        UpdateNeedResult,
    )


@strawberry.type
class CaseWorkMutationFields:
    """The mutations this module resolves (merged into the schema's root type)."""

    update_need = strawberry.mutation(resolver=update_need)
    update_recipient = strawberry.mutation(resolver=update_recipient)
    add_service_record = strawberry.mutation(resolver=add_service_record)
    refer_case = strawberry.mutation(resolver=refer_case)
    settle_referral = strawberry.mutation(resolver=settle_referral)
    create_project = strawberry.mutation(resolver=create_project)
