"""Fetching a matching instance from the services and turning it into the engine's inputs.

The engine (gateway/matching/) is pure; this is the only place that knows the REST shapes.
Recipients' categories come from the public-wish view (no personal data, nothing to audit);
places are the league seat of each region code (services/common/region_data.py), since towns
hundreds of kilometres apart are what distance scoring has to tell apart.
"""

import asyncio
from datetime import datetime
from decimal import Decimal
from typing import Any

from gateway.clients.base import ServiceClient
from gateway.clients.registry import Upstreams
from gateway.matching import ALL_WEEK, NeedInput, OfferInput, VolunteerInput, week_mask
from services.common.region_data import PREFECTURE_SEATS

MAX_PAGES = 20  # 2,000 of each kind per proposal run, at 100 a page
PERIODS = ((0, 12), (12, 18), (18, 24))  # morning, afternoon, evening: the engine's week grid


def place(region_code: str) -> tuple[float, float]:
    return PREFECTURE_SEATS.get(region_code[:4], (44.0, 113.0))


def fen(value: Any) -> int:
    return int(Decimal(str(value)) * 100)


async def _all(client: ServiceClient, resource: str, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    for _ in range(MAX_PAGES):
        page = await client.page(resource, limit=100, cursor=cursor, **params)
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    return items


async def _categories(upstreams: Upstreams, need_ids: list[str]) -> dict[str, dict[str, Any]]:
    chunks = [need_ids[i : i + 100] for i in range(0, len(need_ids), 100)]
    found: dict[str, dict[str, Any]] = {}
    for batch in await asyncio.gather(*(upstreams.case.batch("public-wishes", chunk) for chunk in chunks)):
        found.update(batch)
    return found


def _need(record: dict[str, Any], wish: dict[str, Any] | None) -> NeedInput:
    lat, lon = place(record["region_code"])
    return NeedInput(
        id=record["id"],
        kind=record["kind"],
        region_code=record["region_code"],
        lat=lat,
        lon=lon,
        created_at=datetime.fromisoformat(record["created_at"]),
        categories=frozenset(wish["categories"]) if wish else frozenset(),
        item_category=record["item_category"],
        quantity=record["quantity"] or 1,
        amount_fen=fen(record["amount"]) if record["amount"] is not None else None,
        skills=frozenset(record["skills"]),
        languages=frozenset(record["languages"]),
        visits_per_month=record["visits_per_month"] or 0,
        visit_minutes=record["visit_minutes"] or 0,
        deadline=datetime.fromisoformat(record["deadline"]) if record["deadline"] else None,
    )


def _offer(record: dict[str, Any]) -> OfferInput:
    lat, lon = place(record["region_prefix"].ljust(4, "0"))
    if record["kind"] == "fund":
        restrictions = record["restrictions"] or {}
        cap = restrictions.get("cap_per_need")
        return OfferInput(
            id=record["id"],
            kind="fund",
            region_prefix=record["region_prefix"],
            lat=lat,
            lon=lon,
            balance_fen=fen(record["money"]["available"]),
            cap_per_need_fen=fen(cap) if cap else None,
            purposes=frozenset(restrictions.get("purposes") or ()),
        )
    return OfferInput(
        id=record["id"],
        kind="material",
        region_prefix=record["region_prefix"],
        lat=lat,
        lon=lon,
        item_category=record["category"],
        available=int(record["units"]["available"]),
    )


def _availability(windows: list[dict[str, Any]]) -> int:
    if not windows:
        return ALL_WEEK
    slots = []
    for window in windows:
        start, end = int(window["start"][:2]), int(window["end"][:2]) + (1 if window["end"][3:5] != "00" else 0)
        slots += [(window["weekday"] - 1, n) for n, (lo, hi) in enumerate(PERIODS) if start < hi and end > lo]
    return week_mask(*slots) if slots else ALL_WEEK


def _volunteer(record: dict[str, Any]) -> VolunteerInput:
    lat, lon = (
        (float(record["latitude"]), float(record["longitude"])) if record.get("latitude") else place(record["region"])
    )
    hours = record["max_hours_per_week"] if record["max_hours_per_week"] is not None else 4
    return VolunteerInput(
        id=record["id"],
        region_code=record["region"],
        lat=lat,
        lon=lon,
        free_minutes_per_week=hours * 60,
        skills=frozenset(record["skills"]),
        languages=frozenset(record["languages"]),
        availability=_availability(record["availability"]),
    )


async def load_instance(
    upstreams: Upstreams, region: str, kinds: set[str]
) -> tuple[list[NeedInput], list[OfferInput], list[VolunteerInput]]:
    """Open needs of the kinds asked for in the region, the offers and volunteers that could meet them."""
    needs_raw, offers_raw, volunteers_raw = await asyncio.gather(
        _all(upstreams.case, "needs", state="open", region=region),
        _all(upstreams.resources, "offers", available=True) if kinds & {"micro_wish", "funding"} else _none(),
        _all(upstreams.volunteers, "volunteers", region=region[:6]) if "care" in kinds else _none(),
    )
    needs_raw = [n for n in needs_raw if n["kind"] in kinds]
    wishes = await _categories(upstreams, [n["id"] for n in needs_raw])
    needs = [_need(n, wishes.get(n["id"])) for n in needs_raw]
    offers = [_offer(o) for o in offers_raw if o["status"] == "published" and o["kind"] in ("material", "fund")]
    volunteers = [_volunteer(v) for v in volunteers_raw]
    return needs, offers, volunteers


async def _none() -> list[dict[str, Any]]:
    return []
