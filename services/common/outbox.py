"""Domain events written in the same transaction as the change they describe (outbox).

Readers follow a cursor over `id`. Ids are handed out before commit, so a transaction holding a
lower id may commit after one holding a higher id; a reader that had moved past would miss it.
Each event therefore records its transaction id, and readers only see events whose transaction
is older than every transaction still running (`pg_snapshot_xmin`): the order they see never
changes afterwards.
"""

import uuid
from datetime import datetime
from typing import Any

from fastapi.encoders import jsonable_encoder
from sqlalchemy import BigInteger, DateTime, String, func, insert, select, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from services.common.clock import clock
from services.common.request_context import current_request_id


class OutboxEventMixin:
    __tablename__ = "outbox_events"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    event_type: Mapped[str] = mapped_column(String(80))
    aggregate_type: Mapped[str] = mapped_column(String(60))
    aggregate_id: Mapped[uuid.UUID] = mapped_column(index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
    request_id: Mapped[str | None] = mapped_column(String(128))
    transaction_id: Mapped[int] = mapped_column(
        BigInteger, server_default=text("(pg_current_xact_id()::text)::bigint"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock.now, server_default=func.now())


STABLE_HORIZON = text("(pg_snapshot_xmin(pg_current_snapshot())::text)::bigint")


async def read_events(session: AsyncSession, model: type[Any], after: int, limit: int) -> list[Any]:
    """Events after `after`, in id order, whose transactions can no longer be overtaken."""
    statement = (
        select(model).where(model.id > after, model.transaction_id < STABLE_HORIZON).order_by(model.id).limit(limit)
    )
    return list((await session.scalars(statement)).all())


async def emit_event(
    session: AsyncSession,
    model: type[Any],
    event_type: str,
    aggregate_type: str,
    aggregate_id: uuid.UUID,
    payload: dict[str, Any],
) -> None:
    await session.execute(
        insert(model).values(
            event_type=event_type,
            aggregate_type=aggregate_type,
            aggregate_id=aggregate_id,
            payload=jsonable_encoder(payload),
            request_id=current_request_id(),
        )
    )
