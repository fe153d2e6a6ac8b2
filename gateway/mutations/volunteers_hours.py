"""Hours correction requests: filed by the volunteer, decided by the organiser (the fields are
listed by gateway/mutations/volunteers.py's fields classes)."""

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from gateway.auth import caller
from gateway.context import GatewayContext
from gateway.ids import local_id
from gateway.mutations.volunteers_requests import parsed, passing_invalid
from gateway.outcomes import outcome
from gateway.types.common import Conflict, InvalidInput, NotFound
from gateway.types.volunteers import HoursCorrectionRequest
from services.common.vocabulary import HoursCorrectionState, Role
from services.volunteers import contract as c

GInfo = Info[GatewayContext, None]
WRITERS = frozenset({Role.CENTRE_STAFF, Role.STATION_STAFF, Role.COMMUNITY_WORKER, Role.ORG_STAFF, Role.VOLUNTEER})


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
    volunteer = local_id(volunteer_id, "Volunteer")
    body: dict[str, Any] = {"minutes": minutes, "reason": reason}
    if activity_id is not None:
        body["activity_id"] = local_id(activity_id, "Activity")
    hours = info.context.upstreams.volunteers.hours

    async def file() -> c.HoursCorrectionRequest | InvalidInput:
        request = parsed(c.CorrectionRequestCreate, body)
        if isinstance(request, InvalidInput):
            return request
        return await hours.request_correction(volunteer, request, idempotency_key=idempotency_key)

    result: HoursCorrectionResult = await outcome(
        file,
        passing_invalid(lambda m: HoursCorrectionChanged(request=HoursCorrectionRequest.from_model(m))),
        HoursCorrectionResult,
    )
    return result


async def _decide_correction(
    info: GInfo, request_id: strawberry.ID, note: str | None, approve: bool
) -> HoursCorrectionResult:
    caller(info, roles=WRITERS)
    request = local_id(request_id, "HoursCorrectionRequest")
    hours = info.context.upstreams.volunteers.hours

    async def call() -> c.HoursCorrectionRequest | InvalidInput:
        decision = parsed(c.CorrectionDecision, {"note": note})
        if isinstance(decision, InvalidInput):
            return decision
        return await hours.decide_correction(request, approve, decision)

    result: HoursCorrectionResult = await outcome(
        call,
        passing_invalid(lambda m: HoursCorrectionChanged(request=HoursCorrectionRequest.from_model(m))),
        HoursCorrectionResult,
    )
    return result


async def approve_hours_correction(
    info: GInfo, request_id: strawberry.ID, note: str | None = None
) -> HoursCorrectionResult:
    """The activity's organiser (or the volunteer's platform staff) approves: one correction entry."""
    return await _decide_correction(info, request_id, note, approve=True)


async def refuse_hours_correction(
    info: GInfo, request_id: strawberry.ID, note: str | None = None
) -> HoursCorrectionResult:
    """The organiser refuses, saying why (`note`); the request stays on record."""
    return await _decide_correction(info, request_id, note, approve=False)


async def hours_correction_requests(
    info: GInfo,
    volunteer_id: strawberry.ID,
    state: HoursCorrectionState | None = None,
    first: int = 20,
    after: str | None = None,
) -> list[HoursCorrectionRequest]:
    """A volunteer's correction requests and their decisions, newest first (one page)."""
    caller(info, roles=WRITERS)
    volunteer = local_id(volunteer_id, "Volunteer")
    page = await info.context.upstreams.volunteers.hours.correction_requests(
        volunteer, limit=max(1, min(first, 100)), state=state.value if state else None, cursor=after
    )
    return [HoursCorrectionRequest.from_model(m) for m in page.items]
