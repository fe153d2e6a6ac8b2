"""The two records every change leaves in its transaction: an audit row and an outbox event."""

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.common.audit import record_audit
from services.common.auth import Principal
from services.common.outbox import emit_event
from services.volunteers.models import AuditEntry, OutboxEvent


async def record_change(
    session: AsyncSession,
    principal: Principal,
    event_type: str,
    entity: str,
    entity_id: uuid.UUID,
    payload: dict[str, Any],
    fields: list[str] | None = None,
) -> None:
    """Audit the write and emit `event_type` for it, both in the caller's transaction."""
    await record_audit(
        session,
        AuditEntry,
        principal,
        event_type,
        entity,
        str(entity_id),
        fields or sorted(payload),
    )
    await emit_event(session, OutboxEvent, event_type, entity, entity_id, payload)


async def record_personal_read(
    session: AsyncSession,
    principal: Principal,
    entity: str,
    entity_ids: list[str],
    fields: list[str],
) -> None:
    """Audit a read that returned unmasked personal data."""
    await record_audit(session, AuditEntry, principal, "read_personal", entity, entity_ids, fields)
