import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from services.common.fields import LongText, Note, Payload, ShortText, StorableText
from services.common.vocabulary import (
    CaseState,
    ReferralState,
    RiskLevel,
    ServiceDomain,
    ServiceRecordKind,
    Vocabulary,
)


class CloseDecision(Vocabulary):
    """What becomes of an open need when its case closes."""

    CANCEL = "cancel", "取消"
    KEEP = "keep", "保留"


class CaseOpen(Payload):
    recipient_id: uuid.UUID
    domain: ServiceDomain
    assigned_worker_id: uuid.UUID | None = None
    risk_level: RiskLevel = RiskLevel.LOW
    project_id: uuid.UUID | None = None
    summary: LongText = ""


class CaseUpdate(Payload):
    assigned_worker_id: uuid.UUID | None = None
    risk_level: RiskLevel | None = None
    project_id: uuid.UUID | None = None
    summary: LongText | None = None


class Case(BaseModel):
    id: uuid.UUID
    recipient_id: uuid.UUID
    platform_id: uuid.UUID
    region_code: str
    project_id: uuid.UUID | None
    domain: ServiceDomain
    assigned_worker_id: uuid.UUID | None
    risk_level: RiskLevel
    state: CaseState
    allowed_transitions: list[CaseState]
    summary: str | None = Field(
        description="Hidden (null) from callers who see personal data masked, and when `fields` leaves it out"
    )
    version: int
    opened_at: datetime
    closed_at: datetime | None
    created_at: datetime


class NeedDecision(Payload):
    need_id: uuid.UUID
    decision: CloseDecision
    reason: Note = Field(
        default="", validate_default=True, description="Why a need is kept on a closed case (required for keep)"
    )

    @field_validator("reason")
    @classmethod
    def _keep_has_reason(cls, reason: str, info: ValidationInfo) -> str:
        if info.data.get("decision") is CloseDecision.KEEP and not reason.strip():
            raise ValueError("a need kept on a closed case needs a reason / 保留需求须说明理由")
        return reason


class TransitionRequest(Payload):
    to_state: CaseState
    note: Note = ""
    needs: list[NeedDecision] = Field(
        default_factory=list,
        max_length=200,
        description="Closing: what becomes of every open, reserved or matched need of the case",
    )


class Transition(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    case_id: uuid.UUID
    from_state: CaseState
    to_state: CaseState
    actor: str
    note: str
    at: datetime


class ServiceRecordCreate(Payload):
    kind: ServiceRecordKind
    served_on: date
    worker_id: uuid.UUID | None = None
    beneficiaries: int = Field(default=1, ge=0, le=100_000)
    note: LongText = ""


class ServiceRecord(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    case_id: uuid.UUID
    kind: ServiceRecordKind
    served_on: date
    worker_id: uuid.UUID | None
    beneficiaries: int
    note: str
    recorded_by: str
    created_at: datetime


class ReferralCreate(Payload):
    to_agency: ShortText = Field(description="The agency or platform referred to")
    reason: Annotated[str, StorableText(2000, min_length=1, multiline=True)]


class ReferralOutcome(Payload):
    outcome: Note = ""


class Referral(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    case_id: uuid.UUID
    to_agency: str
    reason: str
    state: ReferralState
    from_state: CaseState
    outcome: str
    version: int
    created_at: datetime
    updated_at: datetime
