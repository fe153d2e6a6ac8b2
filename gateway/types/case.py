"""GraphQL types of the case service: platforms, staff, recipients, cases, needs, public wishes."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Self

import strawberry
from strawberry.types import Info

from gateway.loaders import personal_fields
from gateway.lookahead import fields_on
from gateway.photos import gateway_photo_url
from gateway.types.common import (
    CaseState,
    Certification,
    Gender,
    ItemCategory,
    Language,
    NeedKind,
    NeedState,
    Node,
    PlatformLevel,
    RecipientCategory,
    RiskLevel,
    ServiceDomain,
    ServiceModel,
    ServiceRecordKind,
    Skill,
    StaffRole,
    StaffSpecialty,
    global_id,
    parse_time,
)

MISSING: Any = object()


def _decimal(value: str | None) -> Decimal | None:
    return Decimal(value) if value is not None else None


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
    def from_record(cls, r: dict[str, Any]) -> Self:
        return cls(
            id=global_id("Platform", r),
            name=r["name"],
            level=PlatformLevel(r["level"]),
            region_code=r["region_code"],
            service_model=ServiceModel(r["service_model"]) if r["service_model"] else None,
            address=r["address"],
            phone=r["phone"],
            version=r["version"],
            created_at=datetime.fromisoformat(r["created_at"]),
            parent_id=r["parent_id"],
        )

    @strawberry.field(description="The platform one level up (a station's county centre).")
    def parent(self, info: Info) -> "Platform | None":
        return _related(info, "platforms", self.parent_id, MISSING, Platform.from_record)


@strawberry.type(description="A staff member of a platform, with certification level.")
class Staff(Node):
    name: str
    role: StaffRole
    specialty: StaffSpecialty | None
    certification: Certification
    active: bool

    @classmethod
    def from_record(cls, r: dict[str, Any]) -> Self:
        return cls(
            id=global_id("Staff", r),
            name=r["name"],
            role=StaffRole(r["role"]),
            specialty=StaffSpecialty(r["specialty"]) if r["specialty"] else None,
            certification=Certification(r["certification"]),
            active=r["active"],
        )


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
    region_code: str
    consent: Consent
    version: int
    created_at: datetime
    platform_id: strawberry.Private[str]
    prefetched_platform: strawberry.Private[Any] = MISSING

    @classmethod
    def from_record(cls, r: dict[str, Any]) -> Self:
        c = r["consent"]
        return cls(
            id=global_id("Recipient", r),
            masked=r["masked"],
            name=r["name"],
            gender=Gender(r["gender"]),
            age=r["age"],
            birth_date=date.fromisoformat(r["birth_date"]) if r["birth_date"] else None,
            categories=[RecipientCategory(x) for x in r["categories"]],
            disability_grade=r["disability_grade"],
            id_number=r["id_number"],
            phone=r["phone"],
            address=r["address"],
            region_code=r["region_code"],
            consent=Consent(
                given_by=c["given_by"], given_at=datetime.fromisoformat(c["given_at"]), purpose=c["purpose"]
            ),
            version=r["version"],
            created_at=datetime.fromisoformat(r["created_at"]),
            platform_id=r["platform_id"],
        )

    @strawberry.field
    def platform(self, info: Info) -> Platform | None:
        return _related(info, "platforms", self.platform_id, self.prefetched_platform, Platform.from_record)


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
    def from_record(cls, r: dict[str, Any]) -> Self:
        return cls(
            id=global_id("Case", r),
            domain=ServiceDomain(r["domain"]),
            state=CaseState(r["state"]),
            allowed_transitions=[CaseState(s) for s in r["allowed_transitions"]],
            risk_level=RiskLevel(r["risk_level"]),
            summary=r["summary"],
            region_code=r["region_code"],
            version=r["version"],
            opened_at=datetime.fromisoformat(r["opened_at"]),
            closed_at=parse_time(r["closed_at"]),
            created_at=datetime.fromisoformat(r["created_at"]),
            recipient_id=r["recipient_id"],
            platform_id=r["platform_id"],
            worker_id=r["assigned_worker_id"],
            project_id=r["project_id"],
        )

    @strawberry.field
    def recipient(self, info: Info) -> Recipient | None:
        return _related(
            info, "recipients", self.recipient_id, self.prefetched_recipient, Recipient.from_record, "Recipient"
        )

    @strawberry.field
    def platform(self, info: Info) -> Platform | None:
        return _related(info, "platforms", self.platform_id, self.prefetched_platform, Platform.from_record)

    @strawberry.field
    def assigned_worker(self, info: Info) -> Staff | None:
        return _related(info, "staff", self.worker_id, MISSING, Staff.from_record)

    @strawberry.field
    def project(self, info: Info) -> "Project | None":
        return _related(info, "projects", self.project_id, MISSING, Project.from_record)


@strawberry.type(description="A pilot or brand project (服务项目) at a platform.")
class Project(Node):
    name: str
    is_brand: bool
    description: str
    region_code: str
    starts_on: date | None
    ends_on: date | None

    @classmethod
    def from_record(cls, r: dict[str, Any]) -> Self:
        return cls(
            id=global_id("Project", r),
            name=r["name"],
            is_brand=r["is_brand"],
            description=r["description"],
            region_code=r["region_code"],
            starts_on=date.fromisoformat(r["starts_on"]) if r["starts_on"] else None,
            ends_on=date.fromisoformat(r["ends_on"]) if r["ends_on"] else None,
        )


@strawberry.type(description="A service record: a visit, a policy briefing, a resource linked ….")
class ServiceRecord(Node):
    kind: ServiceRecordKind
    served_on: date
    beneficiaries: int
    note: str


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
    def from_record(cls, r: dict[str, Any]) -> Self:
        return cls(
            id=global_id("Need", r),
            proof_photo_url=gateway_photo_url("Need", r["id"], r["proof_photo_url"]),
            kind=NeedKind(r["kind"]),
            state=NeedState(r["state"]),
            title=r["title"],
            description=r["description"],
            region_code=r["region_code"],
            item_category=ItemCategory(r["item_category"]) if r["item_category"] else None,
            quantity=r["quantity"],
            estimated_value=_decimal(r["estimated_value"]),
            visits_per_month=r["visits_per_month"],
            visit_minutes=r["visit_minutes"],
            skills=[Skill(s) for s in r["skills"]],
            languages=[Language(x) for x in r["languages"]],
            amount=_decimal(r["amount"]),
            lacking_amount=_decimal(r.get("lacking_amount")),
            lacking_quantity=r.get("lacking_quantity"),
            deadline=parse_time(r["deadline"]),
            pending_until=parse_time(r["pending_until"]),
            pending_reference=r["pending_reference"],
            matched_reference=r["matched_reference"],
            proof_note=r["proof_note"],
            feedback=r["feedback"],
            fulfilled_at=parse_time(r["fulfilled_at"]),
            version=r["version"],
            created_at=datetime.fromisoformat(r["created_at"]),
            recipient_id=r["recipient_id"],
            case_id=r["case_id"],
            platform_id=r["platform_id"],
            project_id=r["project_id"],
        )

    @strawberry.field
    def recipient(self, info: Info) -> Recipient | None:
        return _related(
            info, "recipients", self.recipient_id, self.prefetched_recipient, Recipient.from_record, "Recipient"
        )

    @strawberry.field
    def case(self, info: Info) -> Case | None:
        return _related(info, "cases", self.case_id, self.prefetched_case, Case.from_record, "Case")

    @strawberry.field
    def platform(self, info: Info) -> Platform | None:
        return _related(info, "platforms", self.platform_id, self.prefetched_platform, Platform.from_record)

    @strawberry.field
    def project(self, info: Info) -> Project | None:
        return _related(info, "projects", self.project_id, MISSING, Project.from_record)


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
    def from_record(cls, r: dict[str, Any]) -> Self:
        return cls(
            id=global_id("PublicWish", r),
            proof_note=r["proof_note"],
            proof_photo_url=gateway_photo_url("PublicWish", r["id"], r["proof_photo_url"]),
            kind=NeedKind(r["kind"]),
            display=r["display"],
            masked_name=r["masked_name"],
            age=r["age"],
            age_band=r["age_band"],
            categories=[RecipientCategory(c) for c in r["categories"]],
            county_code=r["county_code"],
            county_name=r["county_name"],
            title=r["title"],
            item_category=ItemCategory(r["item_category"]) if r["item_category"] else None,
            quantity=r["quantity"],
            estimated_value=_decimal(r["estimated_value"]),
            visits_per_month=r["visits_per_month"],
            visit_minutes=r["visit_minutes"],
            skills=[Skill(s) for s in r["skills"]],
            languages=[Language(x) for x in r["languages"]],
            amount=_decimal(r["amount"]),
            deadline=parse_time(r["deadline"]),
            state=NeedState(r["state"]),
            project_name=r["project_name"],
            published_at=datetime.fromisoformat(r["published_at"]),
            fulfilled_at=parse_time(r["fulfilled_at"]),
            feedback=r["feedback"],
        )


# Global id type name -> (loader name, how a record becomes the GraphQL type), for `node(id:)`.
NODES: dict[str, tuple[str, Any]] = {
    "Platform": ("platforms", Platform.from_record),
    "Staff": ("staff", Staff.from_record),
    "Recipient": ("recipients", Recipient.from_record),
    "Case": ("cases", Case.from_record),
    "Need": ("needs", Need.from_record),
    "Project": ("projects", Project.from_record),
    "PublicWish": ("public_wishes", PublicWish.from_record),
}
