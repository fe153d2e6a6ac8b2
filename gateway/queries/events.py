"""`events`: the services' domain events in one feed, by one cursor.

Each service keeps its own outbox, read in commit order by `(transaction id, event id)` positions
(`GET /v1/events?after=`, see services/common/outbox.py). The gateway's cursor is the position
reached in each service; a page takes events from the three services' pages in a fixed interleaving
that never reorders one service's events, and each service's position moves only to the last event
taken from it. So nothing is skipped (nothing after a position is passed over) and nothing repeats.
Apps (scope `events:read`) see only what the public feed shows — wish state changes, keyed by the
PublicWish id — never internal payloads; the services filter by type, so an app's page is empty
only when there is no wish event to read.
"""

import asyncio
import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, cast

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from gateway.auth import caller
from gateway.context import GatewayContext
from gateway.errors import bad_input
from gateway.ids import to_global_id
from services.common.errors import BadInput
from services.common.events import Event
from services.common.outbox import START, EventPosition
from services.common.vocabulary import Role

GInfo = Info[GatewayContext, None]
SERVICES = ("case", "resources", "volunteers")
PUBLIC_EVENT_TYPES = frozenset({"need.published", "need.pending", "need.open", "need.matched", "need.fulfilled",
                                "need.closed", "need.cancelled", "need.expired"})  # fmt: skip
CURSOR_VERSION = 1
MAX_CURSOR_LENGTH = 400
MAX_TYPES = 20


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


@dataclass(frozen=True)
class TypeFilter:
    """What each service is asked for: exact types and type prefixes (none of either: everything)."""

    types: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()

    @classmethod
    def for_staff(cls, requested: list[str] | None) -> "TypeFilter":
        if not requested:
            return cls()
        exact = tuple(sorted({t for t in requested if not t.endswith(".")}))
        return cls(types=exact, prefixes=tuple(sorted({t for t in requested if t.endswith(".")})))

    @classmethod
    def for_apps(cls, requested: list[str] | None) -> "TypeFilter":
        """Wish types (`wish.matched`, or the prefix `wish.`) as the case service's public need types."""
        allowed = PUBLIC_EVENT_TYPES
        if requested:
            wanted = {t.replace("wish.", "need.", 1) for t in requested if t.startswith("wish.")}
            allowed = frozenset(
                t for t in PUBLIC_EVENT_TYPES if t in wanted or any(w.endswith(".") and t.startswith(w) for w in wanted)
            )
        return cls(types=tuple(sorted(allowed)))

    def query(self) -> dict[str, Any]:
        return {"types": list(self.types) or None, "prefix": list(self.prefixes) or None}


def decode_cursor(after: str | None) -> dict[str, EventPosition]:
    """The position in each service; anything we did not write is refused (400), never guessed at."""
    if not after:
        return dict.fromkeys(SERVICES, START)
    try:
        if len(after) > MAX_CURSOR_LENGTH:
            raise ValueError("too long")
        data = json.loads(base64.urlsafe_b64decode(after.encode("ascii") + b"=" * (-len(after) % 4)))
        if not isinstance(data, dict) or data.get("v") != CURSOR_VERSION or set(data) != {"v", *SERVICES}:
            raise ValueError("not an events cursor")
        return {name: EventPosition.parse(str(data[name])) for name in SERVICES}
    except (ValueError, UnicodeError, binascii.Error, BadInput):
        raise bad_input("Malformed events cursor.", "事件游标格式错误。") from None


def encode_cursor(positions: dict[str, EventPosition]) -> str:
    data = {"v": CURSOR_VERSION, **{name: str(positions[name]) for name in SERVICES}}
    return base64.urlsafe_b64encode(json.dumps(data, sort_keys=True).encode()).decode().rstrip("=")


def merge_pages(pages: dict[str, list[Event]], first: int) -> list[tuple[str, Event]]:
    """Up to `first` events: repeatedly the earliest of the services' next events (by time, then service).

    Only the head of each service's page competes, so one service's events keep their commit order
    whatever their timestamps say; the same pages always give the same page.
    """
    heads = dict.fromkeys(pages, 0)
    taken: list[tuple[str, Event]] = []
    while len(taken) < first:
        ready = [name for name in SERVICES if name in pages and heads[name] < len(pages[name])]
        if not ready:
            break
        name = min(ready, key=lambda n: (pages[n][heads[n]].created_at, SERVICES.index(n)))
        taken.append((name, pages[name][heads[name]]))
        heads[name] += 1
    return taken


def _for_apps(service: str, event: Event) -> DomainEvent | None:
    if service != "case" or event.event_type not in PUBLIC_EVENT_TYPES:
        return None
    return DomainEvent(
        service=service,
        sequence=event.id,
        type=event.event_type.replace("need.", "wish.", 1),
        aggregate_type="PublicWish",
        aggregate_id=strawberry.ID(to_global_id("PublicWish", event.aggregate_id)),
        payload=cast(JSON, {}),
        at=event.created_at,
    )


def _for_staff(service: str, event: Event) -> DomainEvent:
    return DomainEvent(
        service=service,
        sequence=event.id,
        type=event.event_type,
        aggregate_type=event.aggregate_type,
        aggregate_id=strawberry.ID(event.aggregate_id),
        payload=cast(JSON, event.payload),
        at=event.created_at,
    )


async def events(
    info: GInfo,
    after: str | None = None,
    first: int = 50,
    types: Annotated[
        list[str] | None,
        strawberry.argument(description="Only these event types; one ending in `.` stands for all it starts (`hold.`)"),
    ] = None,
) -> EventFeed:
    """Domain events after the cursor, oldest first (staff; apps with `events:read` get wish events only)."""
    principal = caller(info, scope="events:read")
    first = max(1, min(first, 200))
    if types is not None and (len(types) > MAX_TYPES or not all(0 < len(t) <= 80 for t in types)):
        raise bad_input(f"At most {MAX_TYPES} event types of up to 80 characters.", "事件类型过多或过长。")
    positions = decode_cursor(after)
    is_app = principal.role is Role.APP_CLIENT
    wanted = TypeFilter.for_apps(types) if is_app else TypeFilter.for_staff(types)
    # Apps read wish events, which only the case service writes; no filter left means nothing to read.
    services: tuple[str, ...] = ("case",) if is_app else SERVICES
    if is_app and not wanted.types:
        services = ()
    upstreams = info.context.upstreams
    clients = {client.service: client for client in upstreams.all()}
    answers = await asyncio.gather(
        *(clients[name].events(after=str(positions[name]), limit=first, **wanted.query()) for name in services)
    )
    pages = {name: answer.items for name, answer in zip(services, answers, strict=True)}
    taken = merge_pages(pages, first)
    for name, event in taken:
        positions[name] = EventPosition.parse(event.position)
    has_more = len(taken) < sum(len(items) for items in pages.values()) or any(a.has_more for a in answers)
    shape = _for_apps if is_app else _for_staff
    shown = [e for e in (shape(name, event) for name, event in taken) if e is not None]
    return EventFeed(events=shown, cursor=encode_cursor(positions), has_more=has_more)


@strawberry.type
class EventsQueryFields:
    """The query fields this module resolves (merged into the schema's root type)."""

    events = strawberry.field(resolver=events)
