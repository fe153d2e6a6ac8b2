"""`events`: the services' domain events in one feed, by one cursor.

Each service keeps its own ordered outbox (`GET /v1/events?after=`); the gateway's cursor holds
a position per service and merges the three by time. Apps (scope `events:read`) see only what
the public feed shows — wish state changes, keyed by the PublicWish id — never internal payloads.
"""

import asyncio
import base64
import json
from datetime import datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from gateway.auth import caller
from gateway.context import GatewayContext
from gateway.errors import bad_input
from gateway.ids import to_global_id
from services.common.vocabulary import Role

GInfo = Info[GatewayContext, None]
SERVICES = ("case", "resources", "volunteers")
PUBLIC_EVENT_TYPES = frozenset({"need.published", "need.pending", "need.open", "need.matched", "need.fulfilled",
                                "need.closed", "need.cancelled", "need.expired"})  # fmt: skip


@strawberry.type
class DomainEvent:
    service: str
    sequence: int
    type: str
    aggregate_type: str
    aggregate_id: strawberry.ID
    payload: JSON
    at: datetime


@strawberry.type
class EventFeed:
    events: list[DomainEvent]
    cursor: str = strawberry.field(description="Pass back as `after` to continue")
    has_more: bool


def _decode(after: str | None) -> dict[str, int]:
    if not after:
        return dict.fromkeys(SERVICES, 0)
    try:
        positions = json.loads(base64.urlsafe_b64decode(after.encode()))
        return {name: int(positions.get(name, 0)) for name in SERVICES}
    except (ValueError, TypeError, AttributeError):
        raise bad_input("Malformed events cursor.", "事件游标格式错误。") from None


def _encode(positions: dict[str, int]) -> str:
    return base64.urlsafe_b64encode(json.dumps(positions, sort_keys=True).encode()).decode()


def _for_apps(service: str, event: dict[str, Any]) -> DomainEvent | None:
    if service != "case" or event["event_type"] not in PUBLIC_EVENT_TYPES:
        return None
    return DomainEvent(
        service=service,
        sequence=event["id"],
        type=event["event_type"].replace("need.", "wish."),
        aggregate_type="PublicWish",
        aggregate_id=strawberry.ID(to_global_id("PublicWish", event["aggregate_id"])),
        payload={},
        at=datetime.fromisoformat(event["created_at"]),
    )


def _for_staff(service: str, event: dict[str, Any]) -> DomainEvent:
    return DomainEvent(
        service=service,
        sequence=event["id"],
        type=event["event_type"],
        aggregate_type=event["aggregate_type"],
        aggregate_id=strawberry.ID(str(event["aggregate_id"])),
        payload=event["payload"],
        at=datetime.fromisoformat(event["created_at"]),
    )


async def events(info: GInfo, after: str | None = None, first: int = 50) -> EventFeed:
    """Domain events after the cursor, oldest first (staff; apps with `events:read` get wish events only)."""
    principal = caller(info, scope="events:read")
    first = max(1, min(first, 200))
    positions = _decode(after)
    upstreams = info.context.upstreams
    pages = await asyncio.gather(
        *(getattr(upstreams, name).get("/v1/events", after=positions[name], limit=first) for name in SERVICES)
    )
    merged = sorted(
        ((name, event) for name, page in zip(SERVICES, pages, strict=True) for event in page["items"]),
        key=lambda pair: (pair[1]["created_at"], pair[0], pair[1]["id"]),
    )
    taken = merged[:first]
    for name, event in taken:
        positions[name] = max(positions[name], event["id"])
    shape = _for_apps if principal.role is Role.APP_CLIENT else _for_staff
    shown = [e for e in (shape(name, event) for name, event in taken) if e is not None]
    return EventFeed(events=shown, cursor=_encode(positions), has_more=len(merged) > first)
