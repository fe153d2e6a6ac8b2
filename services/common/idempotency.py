"""`Idempotency-Key` on POST: a retry with the same key and body returns the first result.

The key row is inserted first, inside the request's transaction. A concurrent request with the
same key blocks on the primary key until the first one commits (then replays its response) or
rolls back (then proceeds itself), so two retries never both do the work.

A replay is a request too. It is answered only to the same caller with the same rights (role,
platform, organisation, volunteer, region and scopes are part of the fingerprint: a token of the
same subject with another role gets 422, not the first answer), and it is audited when the first
answer was (`audited_fields`). The stored answer is encrypted with the personal-data key (it may
hold a recipient's ID number), and records are purged after `WUSHE_IDEMPOTENCY_RETENTION_DAYS`.
"""

import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any, cast

from fastapi import Header
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import CursorResult, DateTime, Integer, String, delete, func, select
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from services.common.audit import record_audit
from services.common.auth import Principal
from services.common.clock import clock
from services.common.database import Database
from services.common.errors import IdempotencyKeyReused
from services.common.personal_data import PersonalDataVault

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


def fingerprint(operation: str, payload: Any, principal: Principal | None = None) -> str:
    body = json.dumps(jsonable_encoder(payload), sort_keys=True, ensure_ascii=False)
    rights = ""
    if principal is not None:
        rights = "|".join(
            str(part)
            for part in (
                principal.role.value,
                principal.platform_id,
                principal.org_id,
                principal.volunteer_id,
                principal.region,
                " ".join(sorted(principal.scopes)),
            )
        )
    return hashlib.sha256(f"{operation}\n{rights}\n{body}".encode()).hexdigest()


def _vault(session: AsyncSession) -> PersonalDataVault:
    """The app's vault, which the request's unit of work put on its session."""
    vault: PersonalDataVault = session.info["vault"]
    return vault


def _seal(session: AsyncSession, body: Any) -> dict[str, str]:
    return {"sealed": _vault(session).encrypt(json.dumps(body, ensure_ascii=False))}


def _unseal(session: AsyncSession, stored: Any) -> Any:
    if isinstance(stored, dict) and set(stored) == {"sealed"}:
        return json.loads(_vault(session).decrypt(stored["sealed"]))
    return stored  # kept in clear before answers were sealed; purged with the rest


@dataclass(frozen=True)
class AuditedReplay:
    """How to audit the replay of an answer that shows personal data."""

    model: type[Any]
    entity: str
    fields: list[str]


async def run_idempotent(
    session: AsyncSession,
    model: type[Any],
    principal: Principal,
    key: str | None,
    operation: str,
    payload: Any,
    action: Callable[[], Awaitable[BaseModel]],
    status_code: int = 201,
    *,
    audit: AuditedReplay | None = None,
) -> JSONResponse:
    """Run `action` once per (caller, key); replay its stored response on a retry.

    `audit` (the service's audit model and the personal fields the answer shows) records a replay
    as the read of personal data it is."""
    if key is None:
        result = await action()
        return JSONResponse(jsonable_encoder(result), status_code=status_code)
    request_hash = fingerprint(operation, payload, principal)
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
        answer = _unseal(session, stored.response)
        if audit is not None and isinstance(answer, dict) and answer.get("id"):
            replayed = [str(answer["id"])]
            await record_audit(session, audit.model, principal, "replay", audit.entity, replayed, audit.fields)
        return JSONResponse(answer, status_code=stored.status_code, headers={"Idempotent-Replayed": "true"})
    body = jsonable_encoder(await action())
    record = await session.get(model, (principal.subject, key))
    assert record is not None
    record.status_code, record.response = status_code, _seal(session, body)
    await session.flush()
    return JSONResponse(body, status_code=status_code)


async def purge_expired(database: Database, model: type[Any], retention_days: int) -> int:
    """Delete idempotency records past the retention window (any replica may run it: a DELETE twice
    deletes nothing twice)."""
    cutoff = clock.now() - timedelta(days=retention_days)
    async with database.sessions() as session:
        # A DELETE's result is a CursorResult (it has the row count); execute() is typed as Result.
        result = cast(CursorResult[Any], await session.execute(delete(model).where(model.created_at < cutoff)))
        await session.commit()
    return int(result.rowcount or 0)
