"""The rest of a station's daily writes: service records, referrals, projects, edits."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from gateway.auth import caller
from gateway.context import GatewayContext
from gateway.errors import bad_input
from gateway.ids import local_id
from gateway.mutations.inputs import body_of, idempotency_headers
from gateway.outcomes import outcome
from gateway.types.case import Need, Project, Recipient, ServiceRecord
from gateway.types.common import (
    Conflict,
    InvalidInput,
    NotFound,
    RecipientCategory,
    ServiceRecordKind,
    StaleVersion,
    global_id,
)
from services.common.vocabulary import STAFF_ROLES

GInfo = Info[GatewayContext, None]


@strawberry.type
class ServiceRecorded:
    record: ServiceRecord


@strawberry.type(description="A referral (转介) and where it stands in its closed loop.")
class Referral:
    id: strawberry.ID
    to_agency: str
    reason: str
    state: str
    outcome: str


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


def _record(r: dict[str, Any]) -> ServiceRecord:
    return ServiceRecord(
        id=global_id("ServiceRecord", r),
        kind=ServiceRecordKind(r["kind"]),
        served_on=dt.date.fromisoformat(r["served_on"]),
        beneficiaries=r["beneficiaries"],
        note=r["note"],
    )


def _referral(r: dict[str, Any]) -> Referral:
    return Referral(
        id=global_id("Referral", r),
        to_agency=r["to_agency"],
        reason=r["reason"],
        state=r["state"],
        outcome=r["outcome"],
    )


async def add_service_record(
    info: GInfo, case_id: strawberry.ID, input: ServiceRecordInput, idempotency_key: str | None = None
) -> AddServiceRecordResult:
    """Record a service on a case (入户走访, 政策宣传, 资源链接, 精神慰藉 …) with its beneficiaries."""
    caller(info, roles=STAFF_ROLES)
    client = info.context.upstreams.case
    path = f"/v1/cases/{local_id(case_id, 'Case')}/records"
    headers = idempotency_headers(idempotency_key)
    return await outcome(
        lambda: client.post(path, body_of(input), headers=headers), lambda r: ServiceRecorded(record=_record(r))
    )


async def refer_case(info: GInfo, case_id: strawberry.ID, to_agency: str, reason: str) -> ReferralResult:
    """Refer a case to another agency (转介); the case waits in `referred` for the outcome."""
    caller(info, roles=STAFF_ROLES)
    client = info.context.upstreams.case
    path = f"/v1/cases/{local_id(case_id, 'Case')}/referrals"
    body = {"to_agency": to_agency, "reason": reason}
    return await outcome(lambda: client.post(path, body), lambda r: ReferralChanged(referral=_referral(r)))


async def settle_referral(
    info: GInfo, referral_id: strawberry.ID, outcome_state: str, note: str = ""
) -> ReferralResult:
    """Close the loop of a referral: accepted, declined, completed or cancelled (any letter case)."""
    caller(info, roles=STAFF_ROLES)
    verbs = {"accepted": "accept", "declined": "decline", "completed": "complete", "cancelled": "cancel"}
    outcome_state = outcome_state.strip().lower()  # typed by people: ACCEPTED, Accepted and accepted alike
    if outcome_state not in verbs:
        raise bad_input("outcomeState is accepted, declined, completed or cancelled.", "转介结果取值错误。")
    client = info.context.upstreams.case
    path = f"/v1/referrals/{local_id(referral_id, 'Referral')}/{verbs[outcome_state]}"
    return await outcome(lambda: client.post(path, {"outcome": note}), lambda r: ReferralChanged(referral=_referral(r)))


async def create_project(
    info: GInfo, input: CreateProjectInput, idempotency_key: str | None = None
) -> CreateProjectResult:
    """Start a pilot or brand project (e.g. 圆梦微心愿, 空巢不空) at a platform."""
    caller(info, roles=STAFF_ROLES)
    client = info.context.upstreams.case
    headers = idempotency_headers(idempotency_key)
    return await outcome(
        lambda: client.post("/v1/projects", body_of(input), headers=headers),
        lambda r: ProjectCreated(project=Project.from_record(r)),
    )


async def update_recipient(
    info: GInfo, recipient_id: strawberry.ID, expected_version: int, input: UpdateRecipientInput
) -> UpdateRecipientResult:
    """Change a recipient's contact data, categories or health notes (If-Match: the version you read)."""
    caller(info, roles=STAFF_ROLES)
    client = info.context.upstreams.case
    path = f"/v1/recipients/{local_id(recipient_id, 'Recipient')}"
    return await outcome(
        lambda: client.patch(path, body_of(input), if_match=expected_version),
        lambda r: RecipientUpdated(recipient=Recipient.from_record(r)),
    )


async def update_need(
    info: GInfo, need_id: strawberry.ID, expected_version: int, input: UpdateNeedInput
) -> UpdateNeedResult:
    """Edit an open need; a stale version is StaleVersion, so two editors never overwrite each other."""
    caller(info, roles=STAFF_ROLES)
    client = info.context.upstreams.case
    path = f"/v1/needs/{local_id(need_id, 'Need')}"
    return await outcome(
        lambda: client.patch(path, body_of(input), if_match=expected_version),
        lambda r: NeedUpdated(need=Need.from_record(r)),
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
