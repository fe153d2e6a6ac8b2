"""Domain events written in the same transaction as the change they describe (outbox).

Readers follow a cursor over `(transaction_id, id)`, not over `id` alone. Ids are handed out when
a row is inserted, not when its transaction commits, so an older transaction may insert a lower
*or a higher* id after a younger one has committed: in id order a reader that moved past a row
could later meet a row behind it and never see it. In `(transaction_id, id)` order, every row
whose transaction id is below `pg_snapshot_xmin` (the oldest transaction still running) is final —
committed and visible, or rolled back and gone — and every row inserted from now on has a
transaction id at or above that horizon, so a later row can never land behind a position a reader
took. The argument is in docs/decisions.md, "Events".
"""

import re
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from fastapi.encoders import jsonable_encoder
from sqlalchemy import BigInteger, ColumnElement, DateTime, String, func, insert, or_, select, text, tuple_
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from services.common.clock import clock
from services.common.errors import BadInput
from services.common.request_context import current_request_id


class OutboxEventMixin:
    __tablename__ = "outbox_events"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    event_type: Mapped[str] = mapped_column(String(80))
    aggregate_type: Mapped[str] = mapped_column(String(60))
    aggregate_id: Mapped[uuid.UUID] = mapped_column(index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
    request_id: Mapped[str | None] = mapped_column(String(128))
    # The top-level transaction's id (also inside a savepoint), as a 64-bit xid8: it never wraps.
    transaction_id: Mapped[int] = mapped_column(
        BigInteger, server_default=text("(pg_current_xact_id()::text)::bigint"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock.now, server_default=func.now())


# Evaluated in the reading statement's own snapshot: every transaction below it has ended.
STABLE_HORIZON = text("(pg_snapshot_xmin(pg_current_snapshot())::text)::bigint")

_POSITION = re.compile(r"(0|[1-9][0-9]{0,18})\.(0|[1-9][0-9]{0,18})")
_BIGINT_MAX = 2**63 - 1


class EventPosition(NamedTuple):
    """Where a reader stands in a feed: the `(transaction_id, id)` of the last event it took."""

    transaction_id: int
    id: int

    def __str__(self) -> str:
        return f"{self.transaction_id}.{self.id}"

    @classmethod
    def parse(cls, text_form: str) -> "EventPosition":
        """`"0"` (the start) or `"<transaction id>.<event id>"`, as `next_after` wrote it."""
        if text_form == "0":
            return START
        match = _POSITION.fullmatch(text_form)
        if match is None or max(int(match[1]), int(match[2])) > _BIGINT_MAX:
            raise BadInput("Malformed events cursor.", "事件游标格式错误。")
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def of(cls, row: Any) -> "EventPosition":
        return cls(row.transaction_id, row.id)


START = EventPosition(0, 0)


async def read_events(
    session: AsyncSession,
    model: type[Any],
    after: EventPosition,
    limit: int,
    *,
    types: Sequence[str] = (),
    prefixes: Sequence[str] = (),
    visible: ColumnElement[bool] | None = None,
) -> list[Any]:
    """Events after `after` in commit-stable `(transaction_id, id)` order, optionally of some types only.

    `types` match exactly and `prefixes` by the start of the type; an event matching either is
    returned. The filter is in SQL, so a page is full whenever that many matching events exist.
    """
    statement = select(model).where(
        tuple_(model.transaction_id, model.id) > tuple_(after.transaction_id, after.id),
        model.transaction_id < STABLE_HORIZON,
    )
    matches = [model.event_type.in_(list(types))] if types else []
    matches += [model.event_type.startswith(prefix, autoescape=True) for prefix in prefixes]
    if matches:
        statement = statement.where(or_(*matches))
    if visible is not None:  # the caller's scope (services/common/record_scope.py)
        statement = statement.where(visible)
    statement = statement.order_by(model.transaction_id, model.id).limit(limit)
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
