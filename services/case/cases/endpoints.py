"""HTTP routes for cases (个案), their service process, records and referrals."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from services.case.cases import closing, repository, service
from services.case.cases.schemas import (
    Case,
    CaseOpen,
    CaseUpdate,
    Referral,
    ReferralCreate,
    ReferralOutcome,
    ServiceRecord,
    ServiceRecordCreate,
    Transition,
    TransitionRequest,
)
from services.case.cases.views import PERSONAL_FIELDS, PERSONAL_FIELDS_PATTERN, present, selected_personal_fields
from services.case.models import AuditEntry, IdempotencyRecord
from services.case.scoping import count_readable, page_of
from services.case.totals import Before, CountedPage, WithTotal
from services.common.auth import CurrentPrincipal
from services.common.batch import BatchIds, parse_batch_ids
from services.common.concurrency import IfMatch, set_etag
from services.common.database import DbSession
from services.common.idempotency import AuditedReplay, IdempotencyKey, run_idempotent
from services.common.pagination import Cursor, Page, PageSize
from services.common.regions import RegionPrefix
from services.common.vocabulary import CaseState, ReferralState, RiskLevel, ServiceDomain

router = APIRouter(prefix="/v1", tags=["cases"])

PersonalFields = Annotated[
    str | None,
    Query(
        pattern=PERSONAL_FIELDS_PATTERN,
        description="`summary` to show the summary (audited), empty for no personal field; absent: all of them.",
    ),
]


@router.get("/cases", response_model=CountedPage[Case])
async def list_cases(
    principal: CurrentPrincipal,
    session: DbSession,
    platform_id: uuid.UUID | None = None,
    recipient_id: uuid.UUID | None = None,
    project_id: uuid.UUID | None = None,
    assigned_worker_id: uuid.UUID | None = None,
    domain: ServiceDomain | None = None,
    state: CaseState | None = None,
    risk_level: RiskLevel | None = None,
    region: Annotated[RegionPrefix | None, Query(description="Region-code prefix")] = None,
    cursor: Cursor = None,
    limit: PageSize = 20,
    fields: PersonalFields = None,
    with_total: WithTotal = False,
    before: Before = None,
) -> CountedPage[Case]:
    """Cases in the caller's scope, newest first."""
    asked = {
        "platform_id": platform_id,
        "recipient_id": recipient_id,
        "project_id": project_id,
        "assigned_worker_id": assigned_worker_id,
        "domain": domain,
        "state": state,
        "risk_level": risk_level,
        "region": region,
    }
    rows, next_cursor, previous_cursor = await page_of(
        repository.cases, session, principal, cursor, before, limit, asked
    )
    total = await count_readable(repository.cases, session, principal, **asked) if with_total else None
    items = await present(session, principal, rows, selected_personal_fields(fields))
    return CountedPage(items=items, next_cursor=next_cursor, total=total, previous_cursor=previous_cursor)


@router.get("/cases:batch", response_model=Page[Case])
async def batch_cases(
    principal: CurrentPrincipal, session: DbSession, ids: BatchIds, fields: PersonalFields = None
) -> Page[Case]:
    """Several cases by id; unknown or unreadable ids are left out."""
    rows = await repository.get_many(session, principal, parse_batch_ids(ids))
    return Page(items=await present(session, principal, rows, selected_personal_fields(fields)))


@router.get("/cases/{case_id}", response_model=Case)
async def get_case(
    case_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: DbSession,
    response: Response,
    fields: PersonalFields = None,
) -> Case:
    """One case with the transitions it may take next; a summary shown is audited."""
    row = await service.get(session, principal, case_id)
    set_etag(response, row.version)
    return (await present(session, principal, [row], selected_personal_fields(fields)))[0]


@router.post("/cases", status_code=201, response_model=Case)
async def open_case(
    data: CaseOpen, principal: CurrentPrincipal, session: DbSession, key: IdempotencyKey = None
) -> Response:
    """Open a case (接案) for a recipient in one of the five service domains."""

    async def create() -> Case:
        return (await present(session, principal, [await service.open_case(session, principal, data)]))[0]

    replay = AuditedReplay(AuditEntry, "case", PERSONAL_FIELDS)
    return await run_idempotent(session, IdempotencyRecord, principal, key, "open_case", data, create, audit=replay)


@router.patch("/cases/{case_id}", response_model=Case)
async def update_case(
    case_id: uuid.UUID,
    data: CaseUpdate,
    principal: CurrentPrincipal,
    session: DbSession,
    response: Response,
    if_match: IfMatch = None,
) -> Case:
    """Reassign the worker, change the risk level, project or summary; send `If-Match`."""
    row = await service.update(session, principal, case_id, data, if_match)
    set_etag(response, row.version)
    return (await present(session, principal, [row]))[0]


@router.post(
    "/cases/{case_id}/transitions",
    response_model=Case,
    responses={
        409: {
            "description": "Not allowed from the current state (`allowed` lists what is), or UNDECIDED_NEEDS: "
            "closing without a decision for every open need (`undecided` lists them)"
        }
    },
)
async def advance_case(
    case_id: uuid.UUID,
    data: TransitionRequest,
    principal: CurrentPrincipal,
    session: DbSession,
    response: Response,
    if_match: IfMatch = None,
) -> Case:
    """Move the case along intake → assessment → planning → intervention → evaluation → closed;
    closing takes `needs`: cancel or keep (with a reason) for every open need of the case."""
    row = await closing.advance(session, principal, case_id, data, if_match)
    set_etag(response, row.version)
    return (await present(session, principal, [row]))[0]


@router.get("/cases/{case_id}/transitions", response_model=list[Transition])
async def case_history(case_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession) -> list[Transition]:
    """Every state change of the case with actor, time and note."""
    return [Transition.model_validate(t) for t in await service.history(session, principal, case_id)]


@router.get("/cases/{case_id}/records", response_model=list[ServiceRecord])
async def list_records(case_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession) -> list[ServiceRecord]:
    """Service records of the case, oldest first."""
    await service.get(session, principal, case_id)
    return [ServiceRecord.model_validate(r) for r in await repository.records(session, principal, case_id)]


@router.post("/cases/{case_id}/records", status_code=201, response_model=ServiceRecord)
async def add_record(
    case_id: uuid.UUID,
    data: ServiceRecordCreate,
    principal: CurrentPrincipal,
    session: DbSession,
    key: IdempotencyKey = None,
) -> Response:
    """Record a service (入户走访, 政策宣传, 资源链接, 精神慰藉 …) with its beneficiaries."""

    async def create() -> ServiceRecord:
        return ServiceRecord.model_validate(await service.add_record(session, principal, case_id, data))

    payload = {"case_id": case_id, **data.model_dump()}
    return await run_idempotent(session, IdempotencyRecord, principal, key, "add_record", payload, create)


@router.get("/cases/{case_id}/referrals", response_model=list[Referral])
async def list_referrals(case_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession) -> list[Referral]:
    """Referrals of the case with their closed-loop state."""
    await service.get(session, principal, case_id)
    return [Referral.model_validate(r) for r in await repository.referrals(session, principal, case_id)]


@router.get("/case-transitions:batch", response_model=Page[Transition])
async def batch_transitions(principal: CurrentPrincipal, session: DbSession, ids: BatchIds) -> Page[Transition]:
    """Several steps of cases by id (who moved the case, when, with what note); unreadable ids are left out."""
    rows = await repository.transitions_by_id(session, principal, parse_batch_ids(ids))
    return Page(items=[Transition.model_validate(t) for t in rows])


@router.get("/service-records:batch", response_model=Page[ServiceRecord])
async def batch_records(principal: CurrentPrincipal, session: DbSession, ids: BatchIds) -> Page[ServiceRecord]:
    """Several service records by id; unknown or unreadable ids are left out."""
    rows = await repository.records_by_id(session, principal, parse_batch_ids(ids))
    return Page(items=[ServiceRecord.model_validate(r) for r in rows])


@router.get("/referrals:batch", response_model=Page[Referral])
async def batch_referrals(principal: CurrentPrincipal, session: DbSession, ids: BatchIds) -> Page[Referral]:
    """Several referrals by id with their closed-loop state; unknown or unreadable ids are left out."""
    rows = await repository.referrals_by_id(session, principal, parse_batch_ids(ids))
    return Page(items=[Referral.model_validate(r) for r in rows])


@router.post("/cases/{case_id}/referrals", status_code=201, response_model=Referral)
async def refer_case(
    case_id: uuid.UUID,
    data: ReferralCreate,
    principal: CurrentPrincipal,
    session: DbSession,
    key: IdempotencyKey = None,
) -> Response:
    """Refer the case to another agency (转介); the case waits in `referred`."""

    async def create() -> Referral:
        return Referral.model_validate(await service.refer(session, principal, case_id, data))

    payload = {"case_id": case_id, **data.model_dump()}
    return await run_idempotent(session, IdempotencyRecord, principal, key, "refer_case", payload, create)


def _outcome_route(outcome: ReferralState, summary: str) -> None:
    async def settle(
        referral_id: uuid.UUID, data: ReferralOutcome, principal: CurrentPrincipal, session: DbSession
    ) -> Referral:
        return Referral.model_validate(
            await service.settle_referral(session, principal, referral_id, outcome, data.outcome)
        )

    settle.__doc__ = summary
    verb = {"accepted": "accept", "declined": "decline", "completed": "complete", "cancelled": "cancel"}
    router.add_api_route(
        f"/referrals/{{referral_id}}/{verb[outcome.value]}",
        settle,
        methods=["POST"],
        response_model=Referral,
        name=f"{verb[outcome.value]}_referral",
    )


_outcome_route(ReferralState.ACCEPTED, "The receiving agency took the referral on.")
_outcome_route(ReferralState.DECLINED, "The receiving agency declined; the case returns to where it was.")
_outcome_route(ReferralState.COMPLETED, "The referral's service is done; the case returns to where it was.")
_outcome_route(ReferralState.CANCELLED, "The station withdrew the referral; the case returns to where it was.")
