"""GraphQL types of the case service: platforms, staff, recipients, cases and their file (service
records, transitions, referrals), needs, public wishes, audit rows.

Each type is built from the case service's contract model (`from_model`), whoever read it: a
typed client, or the DataLoaders of gateway/loaders.py behind `node()` and related fields."""

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Generic, Self, TypeVar

import strawberry
from strawberry.types import Info

from gateway.ids import to_global_id
from gateway.loaders import personal_fields
from gateway.lookahead import fields_on
from gateway.photos import gateway_photo_url
from gateway.types.common import Connection, Edge, Node, PageInfo
from services.case import contract as c

# The vocabulary's enums are GraphQL enums (gateway/types/common.py makes them so); annotating with
# the classes themselves keeps mypy able to read the annotations.
from services.common.vocabulary import (
    CaseState,
    Certification,
    Gender,
    ItemCategory,
    Language,
    NeedKind,
    NeedState,
    PlatformLevel,
    RecipientCategory,
    ReferralState,
    RiskLevel,
    ServiceDomain,
    ServiceModel,
    ServiceRecordKind,
    Skill,
    StaffRole,
    StaffSpecialty,
)

MISSING: Any = object()
T = TypeVar("T")


def gid(type_name: str, local: uuid.UUID | str) -> strawberry.ID:
    return strawberry.ID(to_global_id(type_name, local))


def _opt(value: uuid.UUID | None) -> str | None:
    return str(value) if value is not None else None


def _related(info: Info, loader: str, key: str | None, prefetched: Any, build: Any, type_name: str = "") -> Any:
    """A prefetched value when the list resolver looked ahead, otherwise a DataLoader load (of the
    personal fields of `type_name` the query selects, for records that have them)."""
    if prefetched is not MISSING:
        if isinstance(prefetched, Exception):
            raise prefetched
        return prefetched
    if key is None:
        return None
    fields = personal_fields(loader, fields_on(info, type_name))

    async def load() -> Any:
        record = await info.context.loaders.selecting(loader, fields).load(key)
        return build(record) if record is not None else None

    return load()


@strawberry.type(description="A social-work service platform: county centre, township station or community room.")
class Platform(Node):
    name: str
    level: PlatformLevel
    region_code: str
    service_model: ServiceModel | None
    address: str
    phone: str
    version: int
    created_at: datetime
    parent_id: strawberry.Private[str | None]

    @classmethod
    def from_model(cls, m: c.Platform) -> Self:
        return cls(
            id=gid("Platform", m.id),
            name=m.name,
            level=m.level,
            region_code=m.region_code,
            service_model=m.service_model,
            address=m.address,
            phone=m.phone,
            version=m.version,
            created_at=m.created_at,
            parent_id=_opt(m.parent_id),
        )

    @strawberry.field(description="The platform one level up (a station's county centre).")
    def parent(self, info: Info) -> "Platform | None":
        return _related(info, "platforms", self.parent_id, MISSING, Platform.from_model)


@strawberry.type(description="A staff member of a platform, with certification level.")
class Staff(Node):
    name: str
    role: StaffRole
    specialty: StaffSpecialty | None
    certification: Certification
    active: bool
    version: int
    created_at: datetime
    platform_id: strawberry.Private[str]

    @classmethod
    def from_model(cls, m: c.Staff) -> Self:
        return cls(
            id=gid("Staff", m.id),
            name=m.name,
            role=m.role,
            specialty=m.specialty,
            certification=m.certification,
            active=m.active,
            version=m.version,
            created_at=m.created_at,
            platform_id=str(m.platform_id),
        )

    @strawberry.field
    def platform(self, info: Info) -> Platform | None:
        return _related(info, "platforms", self.platform_id, MISSING, Platform.from_model)


@strawberry.type(description="Consent to process this person's data.")
class Consent:
    given_by: str
    given_at: datetime
    purpose: str


@strawberry.type(description="A person served. Personal fields arrive masked unless you are staff of their platform.")
class Recipient(Node):
    masked: bool
    name: str
    gender: Gender
    age: int
    birth_date: date | None
    categories: list[RecipientCategory]
    disability_grade: int | None
    id_number: str
    phone: str | None
    address: str
    health_notes: str | None = strawberry.field(description="Null unless you are staff of their platform")
    region_code: str
    consent: Consent
    version: int
    created_at: datetime
    platform_id: strawberry.Private[str]
    prefetched_platform: strawberry.Private[Any] = MISSING

    @classmethod
    def from_model(cls, m: c.Recipient) -> Self:
        return cls(
            id=gid("Recipient", m.id),
            masked=m.masked,
            name=m.name,
            gender=m.gender,
            age=m.age,
            birth_date=m.birth_date,
            categories=list(m.categories),
            disability_grade=m.disability_grade,
            id_number=m.id_number,
            phone=m.phone,
            address=m.address,
            health_notes=m.health_notes,
            region_code=m.region_code,
            consent=Consent(given_by=m.consent.given_by, given_at=m.consent.given_at, purpose=m.consent.purpose),
            version=m.version,
            created_at=m.created_at,
            platform_id=str(m.platform_id),
        )

    @strawberry.field
    def platform(self, info: Info) -> Platform | None:
        return _related(info, "platforms", self.platform_id, self.prefetched_platform, Platform.from_model)


@strawberry.type(description="A case (个案) on its way through the service process.")
class Case(Node):
    domain: ServiceDomain
    state: CaseState
    allowed_transitions: list[CaseState]
    risk_level: RiskLevel
    summary: str | None
    region_code: str
    version: int
    opened_at: datetime
    closed_at: datetime | None
    created_at: datetime
    recipient_id: strawberry.Private[str]
    platform_id: strawberry.Private[str]
    worker_id: strawberry.Private[str | None]
    project_id: strawberry.Private[str | None]
    prefetched_recipient: strawberry.Private[Any] = MISSING
    prefetched_platform: strawberry.Private[Any] = MISSING

    @classmethod
    def from_model(cls, m: c.Case) -> Self:
        return cls(
            id=gid("Case", m.id),
            domain=m.domain,
            state=m.state,
            allowed_transitions=list(m.allowed_transitions),
            risk_level=m.risk_level,
            summary=m.summary,
            region_code=m.region_code,
            version=m.version,
            opened_at=m.opened_at,
            closed_at=m.closed_at,
            created_at=m.created_at,
            recipient_id=str(m.recipient_id),
            platform_id=str(m.platform_id),
            worker_id=_opt(m.assigned_worker_id),
            project_id=_opt(m.project_id),
        )

    @strawberry.field
    def recipient(self, info: Info) -> Recipient | None:
        return _related(
            info, "recipients", self.recipient_id, self.prefetched_recipient, Recipient.from_model, "Recipient"
        )

    @strawberry.field
    def platform(self, info: Info) -> Platform | None:
        return _related(info, "platforms", self.platform_id, self.prefetched_platform, Platform.from_model)

    @strawberry.field
    def assigned_worker(self, info: Info) -> Staff | None:
        return _related(info, "staff", self.worker_id, MISSING, Staff.from_model)

    @strawberry.field
    def project(self, info: Info) -> "Project | None":
        return _related(info, "projects", self.project_id, MISSING, Project.from_model)


@strawberry.type(description="A pilot or brand project (服务项目) at a platform.")
class Project(Node):
    name: str
    is_brand: bool
    description: str
    region_code: str
    starts_on: date | None
    ends_on: date | None
    created_at: datetime

    @classmethod
    def from_model(cls, m: c.Project) -> Self:
        return cls(
            id=gid("Project", m.id),
            name=m.name,
            is_brand=m.is_brand,
            description=m.description,
            region_code=m.region_code,
            starts_on=m.starts_on,
            ends_on=m.ends_on,
            created_at=m.created_at,
        )


@strawberry.type(description="A service record: a visit, a policy briefing, a resource linked ….")
class ServiceRecord(Node):
    kind: ServiceRecordKind
    served_on: date
    beneficiaries: int
    note: str
    recorded_by: str = strawberry.field(description="Who wrote it down (the token subject)")
    created_at: datetime
    case_id: strawberry.Private[str]
    worker_id: strawberry.Private[str | None]

    @classmethod
    def from_model(cls, m: c.ServiceRecord) -> Self:
        return cls(
            id=gid("ServiceRecord", m.id),
            kind=m.kind,
            served_on=m.served_on,
            beneficiaries=m.beneficiaries,
            note=m.note,
            recorded_by=m.recorded_by,
            created_at=m.created_at,
            case_id=str(m.case_id),
            worker_id=_opt(m.worker_id),
        )

    @strawberry.field(description="The social worker who gave the service")
    def worker(self, info: Info) -> Staff | None:
        return _related(info, "staff", self.worker_id, MISSING, Staff.from_model)

    @strawberry.field
    def case(self, info: Info) -> Case | None:
        return _related(info, "cases", self.case_id, MISSING, Case.from_model, "Case")


@strawberry.type(
    description="A referral (转介) and where it stands in its closed loop: sent → accepted/declined → completed."
)
class Referral(Node):
    to_agency: str
    reason: str
    state: ReferralState
    from_state: CaseState = strawberry.field(description="Where the case was when it was referred (it returns there)")
    outcome: str
    version: int
    created_at: datetime
    updated_at: datetime
    case_id: strawberry.Private[str]

    @classmethod
    def from_model(cls, m: c.Referral) -> Self:
        return cls(
            id=gid("Referral", m.id),
            to_agency=m.to_agency,
            reason=m.reason,
            state=m.state,
            from_state=m.from_state,
            outcome=m.outcome,
            version=m.version,
            created_at=m.created_at,
            updated_at=m.updated_at,
            case_id=str(m.case_id),
        )

    @strawberry.field
    def case(self, info: Info) -> Case | None:
        return _related(info, "cases", self.case_id, MISSING, Case.from_model, "Case")


@strawberry.type(description="One step of a case through the service process: from, to, who and when.")
class CaseTransition(Node):
    from_state: CaseState
    to_state: CaseState
    actor: str = strawberry.field(description="Who moved the case (the token subject)")
    note: str
    at: datetime
    case_id: strawberry.Private[str]

    @classmethod
    def from_model(cls, m: c.Transition) -> Self:
        return cls(
            id=gid("CaseTransition", m.id),
            from_state=m.from_state,
            to_state=m.to_state,
            actor=m.actor,
            note=m.note,
            at=m.at,
            case_id=str(m.case_id),
        )

    @strawberry.field
    def case(self, info: Info) -> Case | None:
        return _related(info, "cases", self.case_id, MISSING, Case.from_model, "Case")


@strawberry.type(description="A need (需求) published from a case: micro-wish, care need or funding need.")
class Need(Node):
    kind: NeedKind
    state: NeedState
    title: str
    description: str
    region_code: str
    item_category: ItemCategory | None
    quantity: int | None
    estimated_value: Decimal | None
    visits_per_month: int | None
    visit_minutes: int | None
    skills: list[Skill]
    languages: list[Language]
    amount: Decimal | None
    lacking_amount: Decimal | None = strawberry.field(description="Yuan a funding need still lacks (met in parts)")
    lacking_quantity: int | None = strawberry.field(description="Units a micro-wish still lacks")
    deadline: datetime | None
    pending_until: datetime | None
    pending_reference: str | None = strawberry.field(description="What reserves the need, e.g. hold:<id>")
    matched_reference: str | None
    proof_note: str | None
    proof_photo_url: str | None = strawberry.field(
        description="The delivery photo on this gateway (GET /photos/needs/<id>, send your token); "
        "upload with POST /photos/needs/<id> (multipart, field `file`)"
    )
    feedback: str | None
    fulfilled_at: datetime | None
    version: int
    created_at: datetime
    recipient_id: strawberry.Private[str]
    case_id: strawberry.Private[str]
    platform_id: strawberry.Private[str]
    project_id: strawberry.Private[str | None]
    prefetched_recipient: strawberry.Private[Any] = MISSING
    prefetched_case: strawberry.Private[Any] = MISSING
    prefetched_platform: strawberry.Private[Any] = MISSING

    @classmethod
    def from_model(cls, m: c.Need) -> Self:
        return cls(
            id=gid("Need", m.id),
            proof_photo_url=gateway_photo_url("Need", str(m.id), m.proof_photo_url),
            kind=m.kind,
            state=m.state,
            title=m.title,
            description=m.description,
            region_code=m.region_code,
            item_category=m.item_category,
            quantity=m.quantity,
            estimated_value=m.estimated_value,
            visits_per_month=m.visits_per_month,
            visit_minutes=m.visit_minutes,
            skills=list(m.skills),
            languages=list(m.languages),
            amount=m.amount,
            lacking_amount=m.lacking_amount,
            lacking_quantity=m.lacking_quantity,
            deadline=m.deadline,
            pending_until=m.pending_until,
            pending_reference=m.pending_reference,
            matched_reference=m.matched_reference,
            proof_note=m.proof_note,
            feedback=m.feedback,
            fulfilled_at=m.fulfilled_at,
            version=m.version,
            created_at=m.created_at,
            recipient_id=str(m.recipient_id),
            case_id=str(m.case_id),
            platform_id=str(m.platform_id),
            project_id=_opt(m.project_id),
        )

    @strawberry.field
    def recipient(self, info: Info) -> Recipient | None:
        return _related(
            info, "recipients", self.recipient_id, self.prefetched_recipient, Recipient.from_model, "Recipient"
        )

    @strawberry.field
    def case(self, info: Info) -> Case | None:
        return _related(info, "cases", self.case_id, self.prefetched_case, Case.from_model, "Case")

    @strawberry.field
    def platform(self, info: Info) -> Platform | None:
        return _related(info, "platforms", self.platform_id, self.prefetched_platform, Platform.from_model)

    @strawberry.field
    def project(self, info: Info) -> Project | None:
        return _related(info, "projects", self.project_id, MISSING, Project.from_model)


@strawberry.type(description="The anonymised view of a need — the only view outsiders ever get.")
class PublicWish(Node):
    kind: NeedKind
    display: str = strawberry.field(
        description="e.g. 80多岁独居老人，心愿：一台收音机 — as much as at least three published wishes share"
    )
    masked_name: str = strawberry.field(deprecation_reason="The feed names no one: always **.")
    age: int | None = strawberry.field(description="Lower bound of the age band (80 for 80多岁), when shown")
    age_band: str | None = strawberry.field(description="80多岁, or only 老人 / 儿童 / 成年人")
    categories: list[RecipientCategory] = strawberry.field(description="At most the one category display names")
    county_code: str
    county_name: str | None
    title: str
    item_category: ItemCategory | None
    quantity: int | None
    estimated_value: Decimal | None
    visits_per_month: int | None
    visit_minutes: int | None
    skills: list[Skill]
    languages: list[Language]
    amount: Decimal | None
    lacking_amount: Decimal | None = strawberry.field(description="Yuan a funding wish still lacks")
    deadline: datetime | None
    state: NeedState
    project_name: str | None
    published_at: datetime
    fulfilled_at: datetime | None
    feedback: str | None
    proof_note: str | None
    proof_photo_url: str | None = strawberry.field(
        description="The delivery photo on this gateway (GET it, no token needed), once fulfilled, if one was uploaded"
    )

    @classmethod
    def from_model(cls, m: c.PublicWish) -> Self:
        return cls(
            id=gid("PublicWish", m.id),
            proof_note=m.proof_note,
            proof_photo_url=gateway_photo_url("PublicWish", str(m.id), m.proof_photo_url),
            kind=m.kind,
            display=m.display,
            masked_name=m.masked_name,
            age=m.age,
            age_band=m.age_band,
            categories=list(m.categories),
            county_code=m.county_code,
            county_name=m.county_name,
            title=m.title,
            item_category=m.item_category,
            quantity=m.quantity,
            estimated_value=m.estimated_value,
            visits_per_month=m.visits_per_month,
            visit_minutes=m.visit_minutes,
            skills=list(m.skills),
            languages=list(m.languages),
            amount=m.amount,
            lacking_amount=m.lacking_amount,
            deadline=m.deadline,
            state=NeedState(m.state),
            project_name=m.project_name,
            published_at=m.published_at,
            fulfilled_at=m.fulfilled_at,
            feedback=m.feedback,
        )


TOTAL_COUNT = "Every item the filters match in your scope (counted only when selected)"


@strawberry.type(
    name="NeedConnection",
    description="A page of needs (pass `pageInfo.endCursor` as `after` for the next); `totalCount` counts them all.",
)
class NeedConnection(Connection[Need]):
    total_count: int | None = strawberry.field(default=None, description=TOTAL_COUNT)


@strawberry.type(
    name="CaseConnection",
    description="A page of cases (pass `pageInfo.endCursor` as `after` for the next); `totalCount` counts them all.",
)
class CaseConnection(Connection[Case]):
    total_count: int | None = strawberry.field(default=None, description=TOTAL_COUNT)


@strawberry.type(
    name="RecipientConnection",
    description="A page of recipients (pass `pageInfo.endCursor` as `after` for the next); `totalCount`: all of them.",
)
class RecipientConnection(Connection[Recipient]):
    total_count: int | None = strawberry.field(default=None, description=TOTAL_COUNT)


@strawberry.type(
    description="A whole list in pages: `totalCount` counts all of it; page on with `first`/`after`, "
    "back with `last`/`before`. Cursors are the nodes' ids."
)
class ListConnection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    total_count: int

    @strawberry.field(description="The nodes of `edges`, for clients that need no cursors.")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]


def sliced(
    nodes: Sequence[Any], *, first: int | None, after: str | None, last: int | None, before: str | None
) -> ListConnection[Any]:
    """Relay's slicing of a complete list: after/before by node id, then the first or last N."""
    ids = [str(n.id) for n in nodes]
    start = ids.index(after) + 1 if after in ids else 0
    end = ids.index(before) if before in ids else len(ids)
    window = list(range(start, max(start, end)))
    if first is not None:
        window = window[: max(first, 0)]
    if last is not None:
        window = window[-max(last, 0) :] if last > 0 else []
    edges = [Edge(cursor=ids[i], node=nodes[i]) for i in window]
    return ListConnection(
        edges=edges,
        total_count=len(nodes),
        page_info=PageInfo(
            has_next_page=bool(window) and window[-1] < len(ids) - 1,
            has_previous_page=bool(window) and window[0] > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
    )


# Global id type name -> (loader name, how a record becomes the GraphQL type), for `node(id:)`.
NODES: dict[str, tuple[str, Any]] = {
    "Platform": ("platforms", Platform.from_model),
    "Staff": ("staff", Staff.from_model),
    "Recipient": ("recipients", Recipient.from_model),
    "Case": ("cases", Case.from_model),
    "Need": ("needs", Need.from_model),
    "Project": ("projects", Project.from_model),
    "PublicWish": ("public_wishes", PublicWish.from_model),
    "ServiceRecord": ("service_records", ServiceRecord.from_model),
    "Referral": ("referrals", Referral.from_model),
    "CaseTransition": ("case_transitions", CaseTransition.from_model),
}
