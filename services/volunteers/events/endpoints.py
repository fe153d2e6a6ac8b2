"""HTTP route for the outbox: /v1/events (for the gateway and webhook delivery)."""

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

from services.common.auth import CurrentPrincipal
from services.common.database import DbSession
from services.common.errors import Forbidden
from services.common.pagination import PageSize
from services.volunteers.events.schemas import EventOut, EventPage
from services.volunteers.models import OutboxEvent

router = APIRouter(prefix="/v1/events", tags=["events"])


@router.get("")
async def list_events(
    principal: CurrentPrincipal,
    session: DbSession,
    after: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: PageSize = 100,
) -> EventPage:
    """Outbox events after the id `after`, in order; needs the `events:read` scope."""
    if not principal.has_scope("events:read"):
        raise Forbidden("Reading events needs the events:read scope.", "读取事件需要 events:read 权限。")
    statement = select(OutboxEvent).where(OutboxEvent.id > after).order_by(OutboxEvent.id).limit(limit)
    rows = (await session.scalars(statement)).all()
    items = [EventOut.model_validate(row) for row in rows]
    return EventPage(items=items, next_after=items[-1].id if items else after)
