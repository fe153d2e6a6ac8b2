"""`GET /v1/events?after=<id>`: the service's outbox, in order."""

import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from services.common.auth import CurrentPrincipal
from services.common.database import DbSession
from services.common.errors import Forbidden
from services.common.pagination import PageSize
from services.common.vocabulary import Role
from services.resources.events import repository as event_repository

router = APIRouter(prefix="/v1/events", tags=["events"])
EVENTS_SCOPE = "events:read"


class Event(BaseModel):
    id: int
    event_type: str
    aggregate_type: str
    aggregate_id: uuid.UUID
    payload: dict[str, Any]
    created_at: datetime


class EventPage(BaseModel):
    items: list[Event]
    next_after: int | None


@router.get("")
async def list_events(
    principal: CurrentPrincipal,
    session: DbSession,
    after: int = Query(default=0, ge=0, le=2**62, description="Last event id you have seen"),
    limit: PageSize = 20,
) -> EventPage:
    """Outbox events after `after`, oldest first (civil affairs, or apps with `events:read`).

    Payloads carry ids, kinds and figures only, never personal data.
    """
    allowed = principal.role is Role.CIVIL_AFFAIRS_ADMIN or (
        principal.role is Role.APP_CLIENT and principal.has_scope(EVENTS_SCOPE)
    )
    if not allowed:
        raise Forbidden("You may not read the event feed.", "您无权读取事件流。")
    rows = await event_repository.list_after(session, after, limit)
    items = [Event.model_validate(row, from_attributes=True) for row in rows]
    return EventPage(items=items, next_after=items[-1].id if items else None)
