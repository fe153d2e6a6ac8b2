"""Keyset (cursor) pagination: stable under inserts, O(page) whatever the depth."""

import base64
import json
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel
from sqlalchemy import Select, and_, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from services.common.errors import BadInput

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20

PageSize = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Page size (≤ 100)")]
Cursor = Annotated[str | None, Query(max_length=200, description="`next_cursor` of the previous page")]


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


def encode_cursor(created_at: datetime, row_id: uuid.UUID) -> str:
    raw = json.dumps([created_at.isoformat(), str(row_id)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        created_at, row_id = json.loads(base64.urlsafe_b64decode(padded))
        at = datetime.fromisoformat(created_at)
        if at.tzinfo is None:
            raise ValueError("a cursor's time carries its offset")
        # We only ever write UTC; converting a forged "0001-01-01T00:00:00+14:00" here overflows,
        # where the database driver would have crashed on it.
        return at.astimezone(UTC), uuid.UUID(row_id)
    except (ValueError, TypeError, OverflowError) as exc:
        raise BadInput("Malformed cursor.", "分页游标格式错误。") from exc


def _after_cursor(
    statement: Select[Any],
    created_at: InstrumentedAttribute[datetime],
    row_id: InstrumentedAttribute[uuid.UUID],
    cursor: str | None,
    limit: int,
) -> Select[Any]:
    if cursor:
        at, last_id = decode_cursor(cursor)
        statement = statement.where(or_(created_at < at, and_(created_at == at, row_id < last_id)))
    return statement.order_by(created_at.desc(), row_id.desc()).limit(limit + 1)


def _split(rows: Sequence[Any], limit: int, entity: Callable[[Any], Any]) -> tuple[Sequence[Any], str | None]:
    if len(rows) <= limit:
        return rows, None
    last = entity(rows[limit - 1])
    return rows[:limit], encode_cursor(last.created_at, last.id)


async def fetch_page(
    session: AsyncSession,
    statement: Select[Any],
    created_at: InstrumentedAttribute[datetime],
    row_id: InstrumentedAttribute[uuid.UUID],
    cursor: str | None,
    limit: int,
) -> tuple[Sequence[Any], str | None]:
    """Entities of `statement` newest first, after `cursor`, and the cursor of the next page."""
    statement = _after_cursor(statement, created_at, row_id, cursor, limit)
    return _split((await session.scalars(statement)).all(), limit, lambda entity: entity)


async def fetch_row_page(
    session: AsyncSession,
    statement: Select[Any],
    created_at: InstrumentedAttribute[datetime],
    row_id: InstrumentedAttribute[uuid.UUID],
    cursor: str | None,
    limit: int,
) -> tuple[Sequence[Any], str | None]:
    """Like `fetch_page` for statements selecting several columns; the entity comes first."""
    statement = _after_cursor(statement, created_at, row_id, cursor, limit)
    return _split((await session.execute(statement)).all(), limit, lambda row: row[0])
