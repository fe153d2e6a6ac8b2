"""Every table of the resources service, in the `resources` schema."""

from services.resources.models.base import Base
from services.resources.models.kernel import AuditEntry, IdempotencyRecord, OutboxEvent

__all__ = ["AuditEntry", "Base", "IdempotencyRecord", "OutboxEvent"]
