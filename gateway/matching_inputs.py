"""Fetching a matching instance from the services and turning it into the engine's inputs.

The engine (gateway/matching/) is pure; this is the only place that turns the services' contract
models into its inputs.
Recipients' categories come from the public-wish view (no personal data, nothing to audit);
places are the league seat of each region code (services/common/region_data.py), since towns
hundreds of kilometres apart are what distance scoring has to tell apart.
"""

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from decimal import Decimal
from typing import TypeVar

from gateway.clients.registry import Upstreams
from gateway.matching import ALL_WEEK, NeedInput, OfferInput, VolunteerInput, week_mask
from services.case.contract import Need, PublicWish
from services.common.pagination import Page
from services.common.region_data import PREFECTURE_SEATS
from services.resources.contract import Offer
from services.volunteers.contract import AvailabilityWindow, Volunteer

M = TypeVar("M")

MAX_PAGES = 20  # 2,000 of each kind per proposal run, at 100 a page
PERIODS = ((0, 12), (12, 18), (18, 24))  # morning, afternoon, evening: the engine's week grid


def place(region_code: str) -> tuple[float, float]:
    return PREFECTURE_SEATS.get(region_code[:4], (44.0, 113.0))


def fen(value: Decimal) -> int:
    return int(value * 100)


def codes(values: Iterable[str]) -> frozenset[str]:
    """The plain codes of vocabulary members (the engine compares and hashes strings)."""
    return frozenset(str(getattr(v, "value", v)) for v in values)


async def _all(fetch: Callable[[str | None], Awaitable[Page[M]]]) -> list[M]:
    items: list[M] = []
    cursor = None
    for _ in range(MAX_PAGES):
        page = await fetch(cursor)
        items += page.items
        cursor = page.next_cursor
        if cursor is None:
            break
    return items


async def _categories(upstreams: Upstreams, need_ids: list[str]) -> dict[str, PublicWish]:
    chunks = [need_ids[i : i + 100] for i in range(0, len(need_ids), 100)]
    found: dict[str, PublicWish] = {}
    for batch in await asyncio.gather(*(upstreams.case.public_wishes.batch(chunk) for chunk in chunks)):
        found.update(batch)
    return found


def _need(need: Need, wish: PublicWish | None) -> NeedInput:
    lat, lon = place(need.region_code)
    return NeedInput(
        id=str(need.id),
        kind=need.kind.value,
        region_code=need.region_code,
        lat=lat,
        lon=lon,
        created_at=need.created_at,
        categories=codes(wish.categories) if wish else frozenset(),
        item_category=need.item_category.value if need.item_category else None,
        quantity=need.quantity or 1,
        amount_fen=fen(need.amount) if need.amount is not None else None,
        skills=codes(need.skills),
        languages=codes(need.languages),
        visits_per_month=need.visits_per_month or 0,
        visit_minutes=need.visit_minutes or 0,
        deadline=need.deadline,
    )


def _offer(offer: Offer) -> OfferInput:
    lat, lon = place(offer.region_prefix.ljust(4, "0"))
    if offer.kind == "fund":
        restrictions = offer.restrictions
        cap = restrictions.cap_per_need if restrictions else None
        return OfferInput(
            id=str(offer.id),
            kind="fund",
            region_prefix=offer.region_prefix,
            lat=lat,
            lon=lon,
            balance_fen=fen(offer.money.available) if offer.money else 0,
            cap_per_need_fen=fen(cap) if cap else None,
            purposes=codes(restrictions.purposes) if restrictions else frozenset(),
        )
    return OfferInput(
        id=str(offer.id),
        kind="material",
        region_prefix=offer.region_prefix,
        lat=lat,
        lon=lon,
        item_category=offer.category.value if offer.category else None,
        available=int(offer.units.available) if offer.units else 0,
    )


def _availability(windows: list[AvailabilityWindow]) -> int:
    if not windows:
        return ALL_WEEK
    slots = []
    for window in windows:
        start, end = int(window.start[:2]), int(window.end[:2]) + (1 if window.end[3:5] != "00" else 0)
        slots += [(int(window.weekday) - 1, n) for n, (lo, hi) in enumerate(PERIODS) if start < hi and end > lo]
    return week_mask(*slots) if slots else ALL_WEEK


def _volunteer(volunteer: Volunteer) -> VolunteerInput:
    if volunteer.latitude is not None and volunteer.longitude is not None:
        lat, lon = float(volunteer.latitude), float(volunteer.longitude)
    else:
        lat, lon = place(volunteer.region)
    hours = volunteer.max_hours_per_week if volunteer.max_hours_per_week is not None else 4
    return VolunteerInput(
        id=str(volunteer.id),
        region_code=volunteer.region,
        lat=lat,
        lon=lon,
        free_minutes_per_week=hours * 60,
        skills=codes(volunteer.skills),
        languages=codes(volunteer.languages),
        availability=_availability(volunteer.availability),
    )


async def load_instance(
    upstreams: Upstreams, region: str, kinds: set[str]
) -> tuple[list[NeedInput], list[OfferInput], list[VolunteerInput]]:
    """Open needs of the kinds asked for in the region, the offers and volunteers that could meet them."""
    case, resources, volunteers = upstreams.case, upstreams.resources, upstreams.volunteers
    needs_raw, offers_raw, volunteers_raw = await asyncio.gather(
        _all(lambda cursor: case.needs.page(state="open", region=region, limit=100, cursor=cursor)),
        _all(lambda cursor: resources.offers.page(available=True, limit=100, cursor=cursor))
        if kinds & {"micro_wish", "funding"}
        else _none(Offer),
        _all(lambda cursor: volunteers.volunteers.page(region=region[:6], limit=100, cursor=cursor))
        if "care" in kinds
        else _none(Volunteer),
    )
    wanted = [n for n in needs_raw if n.kind.value in kinds]
    wishes = await _categories(upstreams, [str(n.id) for n in wanted])
    needs = [_need(n, wishes.get(str(n.id))) for n in wanted]
    offers = [_offer(o) for o in offers_raw if o.status == "published" and o.kind in ("material", "fund")]
    # Only volunteers the station has verified visit an elder at home (issue 21): a volunteer
    # registered a minute ago is not proposed for a 独居 elder's door.
    verified = [_volunteer(v) for v in volunteers_raw if v.verification == "verified"]
    return needs, offers, verified


async def _none(kind: type[M]) -> list[M]:
    return []
