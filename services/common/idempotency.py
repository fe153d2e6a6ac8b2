"""`Idempotency-Key` on POST: a retry with the same key and body returns the first result.

The key row is inserted first, inside the request's transaction. A concurrent request with the
same key blocks on the primary key until the first one commits (then replays its response) or
rolls back (then proceeds itself), so two retries never both do the work.
"""

import hashlib
import json
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import Header
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import DateTime, Integer, String, func, select
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from services.common.auth import Principal
from services.common.clock import clock
from services.common.errors import IdempotencyKeyReused

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        pattern=r"^[\x21-\x7e]+$",  # printable ASCII: the key is stored and compared as it is
        description="Makes retries safe: the same key and body return the first result.",
    ),
]


class IdempotencyRecordMixin:
    __tablename__ = "idempotency_keys"

    subject: Mapped[str] = mapped_column(String(200), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(Integer)
    response: Mapped[Any | None] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock.now, server_default=func.now())


def fingerprint(operation: str, payload: Any) -> str:
    body = json.dumps(jsonable_encoder(payload), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(f"{operation}\n{body}".encode()).hexdigest()


async def run_idempotent(
    session: AsyncSession,
    model: type[Any],
    principal: Principal,
    key: str | None,
    operation: str,
    payload: Any,
    action: Callable[[], Awaitable[BaseModel]],
    status_code: int = 201,
) -> JSONResponse:
    """Run `action` once per (caller, key); replay its stored response on a retry."""
    if key is None:
        result = await action()
        return JSONResponse(jsonable_encoder(result), status_code=status_code)
    request_hash = fingerprint(operation, payload)
    inserted = await session.scalar(
        insert(model)
        .values(subject=principal.subject, key=key, request_hash=request_hash)
        .on_conflict_do_nothing()
        .returning(model.key)
    )
    if inserted is None:
        stored = await session.scalar(select(model).where(model.subject == principal.subject, model.key == key))
        assert stored is not None
        if stored.request_hash != request_hash:
            raise IdempotencyKeyReused(
                "This Idempotency-Key was used with a different request.",
                "该幂等键已用于另一个不同的请求。",
            )
        return JSONResponse(stored.response, status_code=stored.status_code, headers={"Idempotent-Replayed": "true"})
    body = jsonable_encoder(await action())
    record = await session.get(model, (principal.subject, key))
    assert record is not None
    record.status_code, record.response = status_code, body
    await session.flush()
    return JSONResponse(body, status_code=status_code)
