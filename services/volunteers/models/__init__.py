"""Every table of the volunteers service, in the `volunteers` schema."""

from services.volunteers.models.base import Base
from services.volunteers.models.kernel import AuditEntry, IdempotencyRecord, OutboxEvent

__all__ = ["AuditEntry", "Base", "IdempotencyRecord", "OutboxEvent"]
