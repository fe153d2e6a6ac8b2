"""`GET /v1/events?after=`: a service's domain events in commit-stable order, by cursor.

Events carry ids, codes and counts, never personal data. They are readable by staff roles and by
app clients holding the `events:read` scope; the gateway narrows what it passes on to apps.
"""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict

from services.common.auth import CurrentPrincipal
from services.common.database import DbSession
from services.common.errors import Forbidden
from services.common.outbox import read_events
from services.common.vocabulary import STAFF_ROLES, Role


class Event(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    event_type: str
    aggregate_type: str
    aggregate_id: str
    payload: dict[str, Any]
    request_id: str | None
    created_at: datetime


class EventPage(BaseModel):
    items: list[Event]
    next_after: int = 0


def events_router(model: type[Any]) -> APIRouter:
    router = APIRouter(prefix="/v1", tags=["events"])

    @router.get("/events", response_model=EventPage)
    async def list_events(
        principal: CurrentPrincipal,
        session: DbSession,
        after: Annotated[
            int, Query(ge=0, le=2**63 - 1, description="The `next_after` of the previous page; 0 to start")
        ] = 0,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
    ) -> EventPage:
        """Events after the cursor, oldest first. Poll with the returned `next_after`."""
        if not (
            principal.role in STAFF_ROLES or (principal.role is Role.APP_CLIENT and principal.has_scope("events:read"))
        ):
            raise Forbidden(
                "Events are for staff and for apps with events:read.",
                "事件仅对工作人员及具备 events:read 权限的应用开放。",
            )
        rows = await read_events(session, model, after, limit)
        items = [
            Event(
                id=r.id,
                event_type=r.event_type,
                aggregate_type=r.aggregate_type,
                aggregate_id=str(r.aggregate_id),
                payload=r.payload,
                request_id=r.request_id,
                created_at=r.created_at,
            )
            for r in rows
        ]
        return EventPage(items=items, next_after=items[-1].id if items else after)

    return router
