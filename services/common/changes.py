"""The two records every change leaves in its transaction: an audit row and an outbox event.

Each service binds its own tables once (`services/<service>/kit.py`):
`recorder = ChangeRecorder(AuditEntry, OutboxEvent)`. Every audit row and event carries where the
changed record lies (`RecordScope`: its region, its platform's path, its organisation), so
`/v1/audit` and `/v1/events` answer by the same staff-scope policy as the records themselves
(`services/common/record_scope.py`).
"""

import uuid
from dataclasses import dataclass
from typing import Any

from fastapi.encoders import jsonable_encoder
from sqlalchemy import String, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from services.common.audit import record_audit
from services.common.auth import Principal
from services.common.request_context import current_request_id


class RecordScopeColumns:
    """Where the record an audit row or event is about lies; '' where it has none."""

    region_code: Mapped[str] = mapped_column(String(12), default="", server_default="", index=True)
    # "/<centre id>/<station id>/": the owning platform and every platform above it.
    platform_path: Mapped[str] = mapped_column(String(1000), default="", server_default="")
    org_id: Mapped[uuid.UUID | None] = mapped_column(index=True)


@dataclass(frozen=True)
class RecordScope:
    """The scope facts of a record, taken from the record (never from a caller's body)."""

    region_code: str = ""
    platform_path: str = ""
    org_id: uuid.UUID | None = None

    def columns(self) -> dict[str, Any]:
        return {"region_code": self.region_code, "platform_path": self.platform_path, "org_id": self.org_id}


@dataclass(frozen=True)
class ChangeRecorder:
    """A service's audit and outbox tables, bound once; the one writer of both."""

    audit_model: type[Any]
    outbox_model: type[Any]

    async def record_change(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        action: str,
        entity: str,
        entity_id: uuid.UUID,
        scope: RecordScope,
        event: str | None = None,
        payload: dict[str, Any] | None = None,
        fields: list[str] | None = None,
    ) -> None:
        """Audit `action` on the entity and, when `event` is named, emit it with `payload` (ids,
        codes and counts, never personal data) — both in the caller's transaction."""
        await record_audit(
            session, self.audit_model, principal, action, entity, str(entity_id), fields, scope.columns()
        )
        if event is not None:
            await self.record_event(
                session, event=event, entity=entity, entity_id=entity_id, scope=scope, payload=payload
            )

    async def record_event(
        self,
        session: AsyncSession,
        *,
        event: str,
        entity: str,
        entity_id: uuid.UUID,
        scope: RecordScope,
        payload: dict[str, Any] | None = None,
    ) -> None:
        """An event nobody in particular caused (a background worker's expiry), without an audit row."""
        await session.execute(
            insert(self.outbox_model).values(
                event_type=event,
                aggregate_type=entity,
                aggregate_id=entity_id,
                payload=jsonable_encoder(payload or {}),
                request_id=current_request_id(),
                **scope.columns(),
            )
        )

    async def record_personal_read(
        self,
        session: AsyncSession,
        principal: Principal,
        entity: str,
        scoped_ids: list[tuple[str, RecordScope]],
        fields: list[str],
    ) -> None:
        """Audit a read that returned unmasked personal data, one row per record."""
        ids = [entity_id for entity_id, _ in scoped_ids]
        scopes = [scope.columns() for _, scope in scoped_ids]
        await record_audit(session, self.audit_model, principal, "read_personal", entity, ids, fields, scopes)
