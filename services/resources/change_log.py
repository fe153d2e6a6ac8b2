"""Every write leaves an audit row and every state change an outbox event, in one transaction."""

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.common.audit import record_audit
from services.common.auth import Principal
from services.common.outbox import emit_event
from services.resources.models import AuditEntry, OutboxEvent


async def record_change(
    session: AsyncSession,
    principal: Principal,
    *,
    action: str,
    entity: str,
    entity_id: uuid.UUID,
    payload: dict[str, Any],
    fields: list[str] | None = None,
) -> None:
    """Audit `action` and emit `<entity>.<action>` with `payload` (never personal data)."""
    await record_audit(session, AuditEntry, principal, action, entity, str(entity_id), fields)
    await emit_event(session, OutboxEvent, f"{entity}.{action}", entity, entity_id, payload)
