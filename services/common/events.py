"""`GET /v1/events?after=`: a service's domain events in commit-stable order, by cursor.

Events carry ids, codes and counts, never personal data. They are readable by staff roles and by
app clients holding the `events:read` scope; the gateway narrows what it passes on to apps.
"""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from services.common.auth import CurrentPrincipal
from services.common.database import DbSession
from services.common.errors import Forbidden
from services.common.outbox import EventPosition, read_events
from services.common.record_scope import visible_events
from services.common.vocabulary import STAFF_ROLES, Role

# An event type or the start of one: `need.published`, `need.`, `hold`.
EventTypeText = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]*)*$")]


class Event(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    position: str = Field(description="The cursor just after this event: pass it as `after` to go on from here")
    event_type: str
    aggregate_type: str
    aggregate_id: str
    payload: dict[str, Any]
    request_id: str | None
    created_at: datetime


class EventPage(BaseModel):
    items: list[Event]
    next_after: str = Field("0", description="Pass back as `after`; unchanged when there was nothing new")
    has_more: bool = Field(False, description="More matching events can be read right now")


def events_router(model: type[Any], app_event_types: frozenset[str] = frozenset()) -> APIRouter:
    """The feed of `model`, scoped like its records; apps read only `app_event_types`, bare."""
    router = APIRouter(prefix="/v1", tags=["events"])

    @router.get("/events", response_model=EventPage)
    async def list_events(
        principal: CurrentPrincipal,
        session: DbSession,
        after: Annotated[
            str, Query(max_length=40, description="A `next_after` or an event's `position` to go on from; 0 to start")
        ] = "0",
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
        types: Annotated[list[EventTypeText], Query(max_length=50, description="Only these event types")] = [],  # noqa: B006
        prefix: Annotated[
            list[EventTypeText], Query(max_length=20, description="Only event types starting with one of these")
        ] = [],  # noqa: B006
    ) -> EventPage:
        """Events after the cursor in commit order, oldest first; poll with the returned `next_after`.

        With `types` or `prefix`, only matching events are read (in the database), so a page is
        empty only when no matching event is there to read.
        """
        if not (
            principal.role in STAFF_ROLES or (principal.role is Role.APP_CLIENT and principal.has_scope("events:read"))
        ):
            raise Forbidden(
                "Events are for staff and for apps with events:read.",
                "事件仅对工作人员及具备 events:read 权限的应用开放。",
            )
        start = EventPosition.parse(after)
        visible = visible_events(principal, model, app_event_types)
        rows = await read_events(session, model, start, limit + 1, types=types, prefixes=prefix, visible=visible)
        bare = principal.role is Role.APP_CLIENT  # the gateway's app view: what changed, not how
        items = [
            Event(
                id=r.id,
                position=str(EventPosition.of(r)),
                event_type=r.event_type,
                aggregate_type=r.aggregate_type,
                aggregate_id=str(r.aggregate_id),
                payload={} if bare else r.payload,
                request_id=None if bare else r.request_id,
                created_at=r.created_at,
            )
            for r in rows[:limit]
        ]
        return EventPage(
            items=items, next_after=items[-1].position if items else str(start), has_more=len(rows) > limit
        )

    return router
