"""Every table of the resources service, in the `resources` schema."""

from services.resources.models.base import Base
from services.resources.models.holds import Hold
from services.resources.models.kernel import AuditEntry, IdempotencyRecord, OutboxEvent
from services.resources.models.ledger import LedgerEntry
from services.resources.models.offers import Offer
from services.resources.models.organizations import Organization
from services.resources.models.pledges import Pledge

__all__ = [
    "AuditEntry",
    "Base",
    "Hold",
    "IdempotencyRecord",
    "LedgerEntry",
    "Offer",
    "Organization",
    "OutboxEvent",
    "Pledge",
]
