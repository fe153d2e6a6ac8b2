"""Every table of the case service, in the `case` schema."""

from services.case.models.base import Base
from services.case.models.cases import Case, CaseTransition, Referral, ServiceRecord
from services.case.models.kernel import AuditEntry, IdempotencyRecord, OutboxEvent
from services.case.models.needs import Need, ProofPhoto
from services.case.models.platforms import Platform, Staff
from services.case.models.projects import Project
from services.case.models.recipients import Recipient

__all__ = [
    "AuditEntry",
    "Base",
    "Case",
    "CaseTransition",
    "IdempotencyRecord",
    "Need",
    "OutboxEvent",
    "Platform",
    "Project",
    "ProofPhoto",
    "Recipient",
    "Referral",
    "ServiceRecord",
    "Staff",
]
