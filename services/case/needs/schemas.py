import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, computed_field, field_validator

from services.common.fields import LongText, Note, Payload, PlannedInstant, ShortText, StorableText
from services.common.money import PositiveYuan, Yuan
from services.common.tickets import SealedTicket
from services.common.vocabulary import (
    ItemCategory,
    Language,
    NeedKind,
    NeedState,
    RecipientCategory,
    Skill,
)

# A reference to what holds the need elsewhere (hold:<uuid>): one line, not blank, kept as it is.
Reference = Annotated[str, StorableText(100, min_length=1, strip=False)]


# What each kind of need requires, and what it must leave empty.
KIND_FIELDS = {
    NeedKind.MICRO_WISH: ("item_category", "quantity"),
    NeedKind.CARE: ("visits_per_month", "visit_minutes"),
    NeedKind.FUNDING: ("amount",),
}
FOREIGN_FIELDS = {
    NeedKind.MICRO_WISH: ("visits_per_month", "visit_minutes", "amount"),
    NeedKind.CARE: ("item_category", "quantity", "estimated_value", "amount"),
    NeedKind.FUNDING: ("item_category", "quantity", "visits_per_month", "visit_minutes"),
}


class NeedPublish(Payload):
    """A need published from a case. Fields depend on `kind`; the others must stay empty."""

    case_id: uuid.UUID
    kind: NeedKind
    title: ShortText = Field(description="The wish itself, e.g. 一台收音机")
    description: LongText = Field(default="", description="Internal; never shown publicly")
    project_id: uuid.UUID | None = None
    deadline: PlannedInstant | None = None
    # micro-wish
    item_category: ItemCategory | None = Field(default=None, validate_default=True)
    quantity: Annotated[int, Field(ge=1, le=10_000)] | None = Field(default=None, validate_default=True)
    estimated_value: Yuan | None = Field(default=None, validate_default=True)
    # care need
    visits_per_month: Annotated[int, Field(ge=1, le=62)] | None = Field(default=None, validate_default=True)
    visit_minutes: Annotated[int, Field(ge=15, le=480)] | None = Field(default=None, validate_default=True)
    skills: list[Skill] = Field(default_factory=list, max_length=10)
    languages: list[Language] = Field(default_factory=list, max_length=3)
    # funding need
    amount: PositiveYuan | None = Field(default=None, validate_default=True)

    @field_validator("item_category", "quantity", "estimated_value", "visits_per_month", "visit_minutes", "amount")
    @classmethod
    def _fits_kind(cls, value: Any, info: ValidationInfo) -> Any:
        """Each kind's own fields are required and the others' must stay empty: refused field by
        field (`kind` is validated first, being declared first), so a client can show where."""
        kind = info.data.get("kind")
        if kind is None:
            return value
        name = str(info.field_name)
        if value is None and name in KIND_FIELDS[kind]:
            raise ValueError(f"a {kind.value} needs {name} / 缺少必填字段")
        if value is not None and name in FOREIGN_FIELDS[kind]:
            raise ValueError(f"a {kind.value} does not take {name} / 字段与需求类型不符")
        return value


class NeedUpdate(Payload):
    """While a need is open its wording, quantity, value and deadline may change."""

    title: ShortText | None = None
    description: LongText | None = None
    deadline: PlannedInstant | None = None
    quantity: Annotated[int, Field(ge=1, le=10_000)] | None = None
    estimated_value: Yuan | None = None
    amount: PositiveYuan | None = None
    visits_per_month: Annotated[int, Field(ge=1, le=62)] | None = None
    visit_minutes: Annotated[int, Field(ge=15, le=480)] | None = None


class NeedHold(Payload):
    """Reserve an open need for a hold or tentative assignment elsewhere (try of try–confirm–cancel)."""

    reference: Reference = Field(description="e.g. hold:<uuid> in resources")
    until: PlannedInstant = Field(description="When the reservation lapses if nobody confirms it")


class NeedClaim(Payload):
    """A donor's claim: the resources service's receipt for the pledge that holds a gift for the wish."""

    receipt: SealedTicket = Field(description="`receipt` of POST /v1/pledges (resources)")


class Ticket(BaseModel):
    """A sealed ticket for the resources service, naming the need's owner and region (10 minutes)."""

    ticket: str
    expires_in_s: int


class NeedReference(Payload):
    reference: Reference


class NeedConfirm(Payload):
    """Confirm a reservation; a funding need takes the held amount as a part (the rest stays open)."""

    reference: Reference
    amount: PositiveYuan | None = Field(
        default=None, description="Yuan the hold carries (funding needs); without it, the whole remainder"
    )


class NeedPart(BaseModel):
    """One confirmed part of a funding need."""

    reference: str
    amount: Decimal


class NeedFulfilment(Payload):
    proof_note: Annotated[str, StorableText(4000, min_length=1, multiline=True)] = Field(
        description="Shown to donors: write it without personal data"
    )
    proof_photo_url: Annotated[str, StorableText(500, min_length=1)] | None = Field(
        default=None,
        json_schema_extra={"deprecated": True},
        description="Deprecated: upload the photo to POST /v1/needs/{id}/proof-photo. Only that path is accepted",
    )
    feedback: Note = Field(default="", description="The recipient's thanks or comments")


class ProofPhotoStored(BaseModel):
    """A proof photo as the case service stored it (re-encoded, without EXIF or GPS)."""

    need_id: uuid.UUID
    url: str
    content_type: str
    size: int
    width: int
    height: int
    sha256: str


class NeedCancel(Payload):
    reason: Note = ""


class Need(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: NeedKind
    case_id: uuid.UUID
    recipient_id: uuid.UUID
    platform_id: uuid.UUID
    region_code: str
    project_id: uuid.UUID | None
    title: str
    description: str
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
    pending_reference: str | None
    pending_until: datetime | None
    matched_reference: str | None
    parts: list[NeedPart] = Field(default_factory=list, description="Confirmed parts of a funding need")
    proof_note: str | None
    proof_photo_url: str | None
    feedback: str | None
    fulfilled_at: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime

    @computed_field(description="Yuan a funding need still lacks (its amount less its confirmed parts)")  # type: ignore[prop-decorator]
    @property
    def lacking_amount(self) -> Decimal | None:
        if self.kind is not NeedKind.FUNDING or self.amount is None:
            return None
        return max(self.amount - sum((p.amount for p in self.parts), Decimal("0.00")), Decimal("0.00"))

    @computed_field(description="Units a micro-wish still lacks: all until it is matched, then none")  # type: ignore[prop-decorator]
    @property
    def lacking_quantity(self) -> int | None:
        if self.kind is not NeedKind.MICRO_WISH or self.quantity is None:
            return None
        return self.quantity if self.state in (NeedState.OPEN, NeedState.PENDING) else 0


class PublicWish(BaseModel):
    """The anonymised view of a need: the only one organisations, volunteers and apps ever get."""

    id: uuid.UUID
    kind: NeedKind
    display: str = Field(examples=["80多岁独居老人，心愿：一台收音机"])
    masked_name: str = Field(description="Always **: the feed names no one (kept for older clients)")
    age: int | None = Field(description="The lower bound of the age band (80 for 80多岁), when shown")
    age_band: str | None = Field(description="80多岁, or only 老人 / 儿童 / 成年人 where fewer would share more")
    categories: list[RecipientCategory] = Field(description="At most the one category the display names")
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
    lacking_amount: Decimal | None = Field(default=None, description="Yuan a funding wish still lacks")
    deadline: datetime | None
    state: Literal["open", "pending", "matched", "fulfilled", "closed"]
    project_name: str | None
    published_at: datetime
    fulfilled_at: datetime | None
    feedback: str | None = Field(description="The recipient's thanks, once fulfilled")
    proof_note: str | None = Field(description="How it was met, once fulfilled (written for donors: no personal data)")
    proof_photo_url: str | None = Field(
        description="The delivery photo (GET it here; no token needed), once fulfilled and if one was uploaded"
    )
