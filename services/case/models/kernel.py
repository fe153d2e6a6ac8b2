"""The shared-kernel tables (audit, idempotency, outbox), kept in this service's schema."""

from services.case.models.base import Base
from services.common.audit import AuditEntryMixin
from services.common.changes import RecordScopeColumns
from services.common.idempotency import IdempotencyRecordMixin
from services.common.outbox import OutboxEventMixin


class AuditEntry(AuditEntryMixin, RecordScopeColumns, Base):
    pass


class IdempotencyRecord(IdempotencyRecordMixin, Base):
    pass


class OutboxEvent(OutboxEventMixin, RecordScopeColumns, Base):
    pass
