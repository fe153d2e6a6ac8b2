"""Append-only audit trail: every write and every read of unmasked personal data.

Each service keeps its own `audit_log` table (it owns its schema); the columns come from here.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import ARRAY, BigInteger, DateTime, String, func, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from services.common.auth import Principal
from services.common.clock import clock
from services.common.request_context import current_request_id


class AuditEntryMixin:
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock.now, server_default=func.now())
    actor: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[str] = mapped_column(String(100), index=True)
    fields: Mapped[list[str]] = mapped_column(ARRAY(String(60)), default=list)
    request_id: Mapped[str | None] = mapped_column(String(128))


async def record_audit(
    session: AsyncSession,
    model: type[Any],
    principal: Principal,
    action: str,
    entity: str,
    entity_ids: list[str] | str,
    fields: list[str] | None = None,
    scopes: list[dict[str, Any]] | dict[str, Any] | None = None,
) -> None:
    """Add one row per entity in the caller's transaction (so a rolled-back write leaves none).

    `scopes` (one for all, or one per entity) says where each record lies (`RecordScopeColumns`);
    a row without one is read only by admins whose region claim is empty."""
    ids = [entity_ids] if isinstance(entity_ids, str) else entity_ids
    if not ids:
        return
    per_row = scopes if isinstance(scopes, list) else [scopes or {}] * len(ids)
    rows = [
        {
            **scope,
            "actor": principal.subject,
            "role": principal.role.value,
            "action": action,
            "entity": entity,
            "entity_id": entity_id,
            "fields": fields or [],
            "request_id": current_request_id(),
        }
        for entity_id, scope in zip(ids, per_row, strict=True)
    ]
    await session.execute(insert(model), rows)
