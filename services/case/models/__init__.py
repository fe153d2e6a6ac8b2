"""Every table of the case service, in the `case` schema."""

from services.case.models.base import Base
from services.case.models.kernel import AuditEntry, IdempotencyRecord, OutboxEvent

__all__ = ["AuditEntry", "Base", "IdempotencyRecord", "OutboxEvent"]
