"""The case service's REST contract: the request and response models of every route the gateway
calls, in one module (pydantic only). The service's endpoints declare these same models (they live
beside each aggregate, in its schemas.py, and are re-exported here); the gateway's typed client
(gateway/clients/case.py) parses every answer into them."""

from pydantic import BaseModel, Field

from services.case.cases.schemas import (
    Case,
    CaseOpen,
    CaseUpdate,
    CloseDecision,
    NeedDecision,
    Referral,
    ReferralCreate,
    ReferralOutcome,
    ServiceRecord,
    ServiceRecordCreate,
    Transition,
    TransitionRequest,
)
from services.case.needs.schemas import (
    Need,
    NeedCancel,
    NeedClaim,
    NeedConfirm,
    NeedFulfilment,
    NeedHold,
    NeedPart,
    NeedPublish,
    NeedReference,
    NeedUpdate,
    ProofPhotoStored,
    PublicWish,
    Ticket,
)
from services.case.platforms.schemas import (
    Platform,
    PlatformCreate,
    PlatformTicketOut,
    PlatformUpdate,
    Staff,
    StaffCreate,
    StaffUpdate,
)
from services.case.projects.schemas import Project, ProjectCreate
from services.case.recipients.schemas import Consent, ConsentGiven, Recipient, RecipientCreate, RecipientUpdate
from services.case.stats.schemas import CaseStats, NeedFigures, PlatformFigures
from services.case.totals import CountedPage
from services.common.audit_api import AuditPage, AuditRow
from services.common.pagination import Page
from services.common.vocabulary import NeedKind, NeedState


class UndecidedNeed(BaseModel):
    """One open need a close request left undecided (`undecided` of a 409 UNDECIDED_NEEDS)."""

    id: str
    kind: NeedKind
    title: str
    state: NeedState


class UndecidedNeeds(BaseModel):
    """The problem body of 409 UNDECIDED_NEEDS: closing a case that still has undecided needs."""

    detail: str = ""
    detail_zh: str = ""
    undecided: list[UndecidedNeed] = Field(default_factory=list)


class ExistingRecipient(BaseModel):
    id: str
    name: str = Field(description="Masked (巴**)")


class RegisteringPlatform(BaseModel):
    platform_name: str
    phone: str | None = None


class RecipientDuplicate(BaseModel):
    """The problem body of 409 RECIPIENT_ALREADY_RECORDED (`existing`, when the record is in the
    caller's scope) and RECIPIENT_RECORDED_ELSEWHERE (`registered_by`: whom to contact)."""

    existing: ExistingRecipient | None = None
    registered_by: RegisteringPlatform | None = None


__all__ = [
    "AuditPage",
    "AuditRow",
    "Case",
    "CaseOpen",
    "CaseStats",
    "CaseUpdate",
    "CloseDecision",
    "Consent",
    "ConsentGiven",
    "CountedPage",
    "ExistingRecipient",
    "Need",
    "NeedCancel",
    "NeedClaim",
    "NeedConfirm",
    "NeedDecision",
    "NeedFigures",
    "NeedFulfilment",
    "NeedHold",
    "NeedPart",
    "NeedPublish",
    "NeedReference",
    "NeedUpdate",
    "Page",
    "Platform",
    "PlatformCreate",
    "PlatformFigures",
    "PlatformTicketOut",
    "PlatformUpdate",
    "Project",
    "ProjectCreate",
    "ProofPhotoStored",
    "PublicWish",
    "Recipient",
    "RecipientCreate",
    "RecipientDuplicate",
    "RecipientUpdate",
    "Referral",
    "ReferralCreate",
    "ReferralOutcome",
    "RegisteringPlatform",
    "ServiceRecord",
    "ServiceRecordCreate",
    "Staff",
    "StaffCreate",
    "StaffUpdate",
    "Ticket",
    "Transition",
    "TransitionRequest",
    "UndecidedNeed",
    "UndecidedNeeds",
]
