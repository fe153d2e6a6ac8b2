"""The read side of a station's case work: a case's file (transitions with who and when, service
records, referrals), a platform's staff, and the audit trail of each service for admins.

Each field costs a fixed number of upstream calls: the case file reads only the parts the query
selects, side by side; lists that are whole by nature (a platform's staff) are paged here."""

import asyncio
from datetime import datetime
from typing import Any

import strawberry
from strawberry.types import Info

from gateway.auth import caller
from gateway.clients.base import UpstreamError
from gateway.clients.case import AuditTrail
from gateway.context import GatewayContext
from gateway.ids import from_global_id, local_id, to_global_id
from gateway.loaders import fields_param, personal_fields
from gateway.lookahead import fields_on
from gateway.types.case import Case, CaseTransition, ListConnection, Need, Referral, ServiceRecord, Staff, sliced
from services.case import contract as c
from services.common.vocabulary import STAFF_ROLES, Role, Vocabulary

GInfo = Info[GatewayContext, None]

AUDIT_ROLES = frozenset({Role.CIVIL_AFFAIRS_ADMIN, Role.CENTRE_STAFF})


@strawberry.type(
    description="A case's file: the case, its steps through the service process (who and when), its service "
    "records and its referrals with their closed-loop state."
)
class CaseFile:
    case: Case | None
    transitions: list[CaseTransition]
    service_records: list[ServiceRecord]
    referrals: list[Referral]
    needs: list[Need] = strawberry.field(description="The case's needs, newest first (up to 100)")


CASE_NEEDS = 100  # a case has a handful of needs; a page of the service's largest size covers it


async def case_file(info: GInfo, case_id: strawberry.ID) -> CaseFile | None:
    """One case's file, in as many upstream calls as parts selected (read side by side); null when
    the case does not exist or is outside your scope."""
    caller(info, roles=STAFF_ROLES)
    local = local_id(case_id, "Case")
    cases = info.context.upstreams.case.cases
    selected = fields_on(info, "CaseFile")
    summary = fields_param(personal_fields("cases", fields_on(info, "Case", ("case",))))
    parts: dict[str, Any] = {
        "case": lambda: cases.get(local, fields=summary),
        "transitions": lambda: cases.transitions(local),
        "serviceRecords": lambda: cases.records(local),
        "referrals": lambda: cases.referrals(local),
        "needs": lambda: info.context.upstreams.case.needs.page(case_id=str(local), limit=CASE_NEEDS),
    }
    wanted = [name for name in parts if name in selected] or ["case"]
    try:
        found = dict(zip(wanted, await asyncio.gather(*(parts[name]() for name in wanted)), strict=True))
    except UpstreamError as exc:
        if exc.status == 404:
            return None
        raise
    model: c.Case | None = found.get("case")
    return CaseFile(
        case=Case.from_model(model) if model is not None else None,
        transitions=[CaseTransition.from_model(t) for t in found.get("transitions", [])],
        service_records=[ServiceRecord.from_model(r) for r in found.get("serviceRecords", [])],
        referrals=[Referral.from_model(r) for r in found.get("referrals", [])],
        needs=[Need.from_model(n) for n in found["needs"].items] if "needs" in found else [],
    )


async def platform_staff(
    info: GInfo,
    platform_id: strawberry.ID,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> ListConnection[Staff] | None:
    """A platform's staff (one call), oldest first; null when the platform is outside your scope."""
    caller(info, roles=STAFF_ROLES)
    try:
        staff = await info.context.upstreams.case.platforms.staff(local_id(platform_id, "Platform"))
    except UpstreamError as exc:
        if exc.status == 404:
            return None
        raise
    return sliced([Staff.from_model(s) for s in staff], first=first, after=after, last=last, before=before)


@strawberry.enum(description="A service keeping an audit trail")
class AuditedService(Vocabulary):
    CASE = "case", "个案服务"
    RESOURCES = "resources", "资源服务"
    VOLUNTEERS = "volunteers", "志愿服务"


# The audit trail's entity -> the GraphQL type of its global id (where the graph has one).
AUDITED_TYPES = {
    "platform": "Platform",
    "staff": "Staff",
    "recipient": "Recipient",
    "case": "Case",
    "need": "Need",
    "project": "Project",
    "service_record": "ServiceRecord",
    "referral": "Referral",
    "organization": "Organization",
    "offer": "Offer",
    "fund": "Offer",  # a fund is an offer of money
    "hold": "Hold",
    "pledge": "Pledge",
    "volunteer": "Volunteer",
    "activity": "Activity",
    "signup": "SignUp",
    "team": "Team",
    "care_assignment": "CareAssignment",
    "visit_log": "CareVisit",
    "hours_entry": "HoursEntry",
    "hours_correction_request": "HoursCorrectionRequest",
}


@strawberry.type(description="One row of a service's append-only audit trail: who read or changed what, and when.")
class AuditEntry:
    number: int = strawberry.field(description="The row's place in its service's trail (pass as `after`)")
    service: AuditedService
    at: datetime
    actor: str = strawberry.field(description="The token subject")
    role: str = strawberry.field(description="The actor's role as the token said (a Role code, or a system actor)")
    action: str = strawberry.field(description="What was done: read, create, update, transition, held … (per service)")
    entity: str = strawberry.field(description="The kind of record, e.g. recipient, case, need")
    entity_id: str = strawberry.field(description="The record's id in its service")
    fields: list[str] = strawberry.field(description="The personal fields read or changed")
    request_id: str | None

    @strawberry.field(description="The record's global id, where the graph has a type for it (see `node`)")
    def record_id(self) -> strawberry.ID | None:
        type_name = AUDITED_TYPES.get(self.entity)
        return strawberry.ID(to_global_id(type_name, self.entity_id)) if type_name else None

    @classmethod
    def from_model(cls, m: c.AuditRow, service: AuditedService) -> "AuditEntry":
        return cls(
            number=m.id,
            service=service,
            at=m.at,
            actor=m.actor,
            role=m.role,
            action=m.action,
            entity=m.entity,
            entity_id=m.entity_id,
            fields=list(m.fields),
            request_id=m.request_id,
        )


@strawberry.type(description="A page of an audit trail, oldest first; pass `nextAfter` as `after` for the next.")
class AuditTrailPage:
    entries: list[AuditEntry]
    next_after: int


async def audit_trail(
    info: GInfo,
    service: AuditedService = AuditedService.CASE,
    first: int = 100,
    after: int = 0,
    record_id: strawberry.ID | None = None,
    actor: str | None = None,
    action: str | None = None,
) -> AuditTrailPage:
    """A service's audit trail of the records in your scope (civil-affairs admins, centre staff):
    every write and every unmasked read of personal data."""
    caller(info, roles=AUDIT_ROLES)
    entity_id = str(from_global_id(record_id)[1]) if record_id else None
    page = await AuditTrail(getattr(info.context.upstreams, service.value)).page(
        after=max(after, 0), limit=max(1, min(first, 500)), entity_id=entity_id, actor=actor, action=action
    )
    return AuditTrailPage(
        entries=[AuditEntry.from_model(row, service) for row in page.items], next_after=page.next_after
    )
