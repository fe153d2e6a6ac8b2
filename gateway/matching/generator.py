"""Seeded generator of realistic matching instances for Inner Mongolia (tests and bench/matching.py).

Geography: the 12 leagues/cities and 103 counties of `services.common.region_data`, placed
around approximate league centres (wide spreads for 呼伦贝尔, 锡林郭勒 and 阿拉善: sparse towns
far apart), townships scattered around each county seat. Needs follow the brand projects:
圆梦微心愿 and 爱伴童行·圆梦边城 (children: school supplies, books, clothing), 社工包裹 (daily
necessities, food, bedding for poor households and elders), 空巢不空 (care visits for empty-nest
elders, Mongolian-speaking in pastoral banners), plus funding needs. `supply` sets how much of
the demand the offers, funds and volunteer hours could cover in total (0.6 = the standard
scarce instance).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from gateway.matching.model import NeedInput, OfferInput, VolunteerInput
from services.common.region_data import COUNTIES, PREFECTURE_SEATS
from services.common.vocabulary import ItemCategory as IC
from services.common.vocabulary import Language, NeedKind, OfferKind, Skill
from services.common.vocabulary import RecipientCategory as RC

NOW = datetime(2025, 3, 1, tzinfo=UTC)

# Per league: (seat lat, seat lon) from the shared region data, spread in degrees, share of
# Mongolian speakers among elders.
_SPREAD_AND_MONGOLIAN: dict[str, tuple[float, float]] = {
    "1501": (0.6, 0.10),
    "1502": (0.7, 0.08),
    "1503": (0.3, 0.05),
    "1504": (1.3, 0.15),
    "1505": (1.2, 0.45),
    "1506": (1.3, 0.20),
    "1507": (2.6, 0.35),
    "1508": (1.2, 0.10),
    "1509": (1.0, 0.05),
    "1522": (1.3, 0.45),
    "1525": (2.4, 0.50),
    "1529": (2.8, 0.30),
}
LEAGUES: dict[str, tuple[float, float, float, float]] = {
    code: (*PREFECTURE_SEATS[code], spread, mongolian) for code, (spread, mongolian) in _SPREAD_AND_MONGOLIAN.items()
}
CHILD_ITEMS = (IC.SCHOOL_SUPPLIES, IC.BOOKS, IC.CLOTHING)
HOUSEHOLD_ITEMS = (IC.DAILY_NECESSITIES, IC.FOOD, IC.BEDDING)
ELDER_ITEMS = (IC.DAILY_NECESSITIES, IC.FOOD, IC.BEDDING, IC.MOBILITY_AID, IC.SMALL_APPLIANCE, IC.MEDICAL_SUPPLY)
CARE_SKILLS = (Skill.HAIRCUT, Skill.HOUSEKEEPING, Skill.MEDICAL, Skill.COOKING, Skill.PSYCHOLOGICAL, Skill.REPAIR)


@dataclass(slots=True)
class Instance:
    needs: list[NeedInput]
    offers: list[OfferInput]
    volunteers: list[VolunteerInput]
    now: datetime


@dataclass(slots=True)
class _Places:
    codes: list[str]  # township codes
    lat: np.ndarray
    lon: np.ndarray
    weight: np.ndarray
    mongolian: np.ndarray


def generate_instance(
    n_needs: int,
    seed: int = 0,
    supply: float = 0.6,
    n_offers: int | None = None,
    n_volunteers: int | None = None,
    now: datetime = NOW,
) -> Instance:
    """A reproducible instance: `n_needs` needs, by default a tenth as many offers and volunteers."""
    rng = np.random.default_rng(seed)
    places = _places(rng)
    n_offers = max(1, n_needs // 10) if n_offers is None else n_offers
    n_volunteers = max(1, n_needs // 10) if n_volunteers is None else n_volunteers
    needs = _needs(rng, _active(rng, places, n_needs), n_needs, now)
    n_funds = max(5, n_offers // 15)
    offers = _materials(rng, places, needs, n_offers - n_funds, supply) + _funds(rng, needs, n_funds, supply)
    volunteers = _volunteers(rng, places, needs, n_volunteers, supply)
    return Instance(needs, offers, volunteers, now)


def _places(rng: np.random.Generator) -> _Places:
    codes, lat, lon, weight, mongolian = [], [], [], [], []
    for county in sorted(COUNTIES):
        c_lat, c_lon, spread, mn = LEAGUES[county[:4]]
        seat_lat = c_lat + rng.normal(0, spread / 2)
        seat_lon = c_lon + rng.normal(0, spread)
        urban = county[4] == "0"  # districts (区) have codes 01-20
        for t in range(int(rng.integers(6, 16))):
            codes.append(f"{county}{t + 1:03d}")
            lat.append(seat_lat + rng.normal(0, 0.25))
            lon.append(seat_lon + rng.normal(0, 0.35))
            weight.append(rng.uniform(0.5, 1.5) * (0.6 if urban else 1.0))
            mongolian.append(mn * (0.5 if urban else 1.3))
    w = np.array(weight)
    return _Places(codes, np.array(lat), np.array(lon), w / w.sum(), np.clip(np.array(mongolian), 0, 0.9))


def _active(rng: np.random.Generator, places: _Places, n_needs: int) -> _Places:
    """The townships a smaller instance covers (about 20 needs each), so density stays realistic."""
    count = min(len(places.codes), max(20, n_needs // 20))
    keep = np.sort(rng.choice(len(places.codes), size=count, replace=False, p=places.weight))
    w = places.weight[keep]
    return _Places(
        [places.codes[k] for k in keep], places.lat[keep], places.lon[keep], w / w.sum(), places.mongolian[keep]
    )


def _needs(rng: np.random.Generator, places: _Places, n: int, now: datetime) -> list[NeedInput]:
    where = rng.choice(len(places.codes), size=n, p=places.weight)
    kind_draw = rng.random(n)
    tier_draw = rng.random(n)
    age_days = rng.uniform(0, 120, n)
    out: list[NeedInput] = []
    for i in range(n):
        t = int(where[i])
        tier = (
            RC.TEKUN
            if tier_draw[i] < 0.12
            else RC.DIBAO
            if tier_draw[i] < 0.5
            else RC.DIBIAN
            if tier_draw[i] < 0.7
            else None
        )
        base: dict[str, Any] = dict(
            id=f"need-{i:06d}",
            region_code=f"{places.codes[t]}{int(rng.integers(1, 30)):03d}",
            lat=float(places.lat[t] + rng.normal(0, 0.05)),
            lon=float(places.lon[t] + rng.normal(0, 0.07)),
            created_at=now - timedelta(days=float(age_days[i])),
            deadline=now + timedelta(days=float(rng.uniform(3, 60))) if rng.random() < 0.4 else None,
        )
        if kind_draw[i] < 0.55:
            child = rng.random() < 0.55
            cats = _child_categories(rng) if child else _elder_categories(rng) if rng.random() < 0.6 else set()
            items = CHILD_ITEMS if child else ELDER_ITEMS if RC.ELDERLY in cats else HOUSEHOLD_ITEMS
            qty = 1 if rng.random() < 0.8 else int(rng.integers(2, 4))
            out.append(
                NeedInput(
                    kind=NeedKind.MICRO_WISH.value,
                    categories=_with_tier(cats, tier),
                    item_category=str(rng.choice(items)),
                    quantity=qty,
                    amount_fen=int(rng.integers(30, 300)) * 100 * qty if rng.random() < 0.6 else None,
                    **base,
                )
            )
        elif kind_draw[i] < 0.90:
            mongolian = rng.random() < places.mongolian[t]
            langs = (
                {Language.MN.value}
                if mongolian and rng.random() < 0.6
                else {Language.MN.value, Language.ZH.value}
                if mongolian
                else {Language.ZH.value, Language.DIALECT.value}
            )
            skills = {Skill.COMPANIONSHIP.value}
            if rng.random() < 0.25:
                skills.add(str(rng.choice(CARE_SKILLS)))
            out.append(
                NeedInput(
                    kind=NeedKind.CARE.value,
                    categories=_with_tier(_elder_categories(rng), tier),
                    skills=frozenset(skills),
                    languages=frozenset(langs),
                    visits_per_month=int(rng.choice([2, 4, 4, 8])),
                    visit_minutes=int(rng.choice([60, 90, 120])),
                    schedule=_random_week(rng, 9),
                    **base,
                )
            )
        else:
            cats = _child_categories(rng) if rng.random() < 0.4 else _elder_categories(rng)
            out.append(
                NeedInput(
                    kind=NeedKind.FUNDING.value,
                    categories=_with_tier(cats, tier),
                    amount_fen=int(rng.integers(5, 50)) * 10_000,
                    **base,
                )
            )
    return out


def _child_categories(rng: np.random.Generator) -> set[str]:
    cats = {RC.CHILD.value}
    if rng.random() < 0.35:
        cats.add(RC.LEFT_BEHIND.value)
    if rng.random() < 0.15:
        cats.add(RC.CHILD_IN_HARDSHIP.value)
    return cats


def _elder_categories(rng: np.random.Generator) -> set[str]:
    cats = {RC.ELDERLY.value}
    if rng.random() < 0.6:
        cats.add(RC.EMPTY_NEST.value)
        if rng.random() < 0.4:
            cats.add(RC.LIVING_ALONE.value)
    if rng.random() < 0.15:
        cats.add(RC.DISABLED_ELDERLY.value)
    if rng.random() < 0.08:
        cats.add(RC.DISABLED.value)
    return cats


def _with_tier(cats: set[str], tier: RC | None) -> frozenset[str]:
    return frozenset(cats | ({tier.value} if tier else set()))


def _random_week(rng: np.random.Generator, slots: int) -> int:
    mask = 0
    for s in rng.choice(21, size=slots, replace=False):
        mask |= 1 << int(s)
    return mask


def _scope(rng: np.random.Generator, places: _Places, t: int, county: float, league: float) -> str:
    """A region prefix around township `t`: its county, its league, or the whole region."""
    draw = rng.random()
    code = places.codes[t]
    return code[:6] if draw < county else code[:4] if draw < county + league else "15"


def _split(rng: np.random.Generator, total: float, parts: int) -> np.ndarray:
    """`parts` positive integers summing to about `total`, skewed like real donations."""
    w = rng.lognormal(0, 0.8, parts)
    return np.maximum(1, np.rint(w / w.sum() * total)).astype(np.int64)


def _materials(
    rng: np.random.Generator, places: _Places, needs: list[NeedInput], n: int, supply: float
) -> list[OfferInput]:
    demand: dict[str, int] = {}
    where: dict[str, list[int]] = {}
    for i, need in enumerate(needs):
        if need.item_category:
            demand[need.item_category] = demand.get(need.item_category, 0) + need.quantity
            where.setdefault(need.item_category, []).append(i)
    total = sum(demand.values()) or 1
    out: list[OfferInput] = []
    code_index = {code: k for k, code in enumerate(places.codes)}
    for category in sorted(demand):
        count = max(1, round(n * demand[category] / total))
        amounts = _split(rng, supply * demand[category], count)
        for j in range(count):
            anchor = needs[int(rng.choice(where[category]))]  # donors give where the wishes are
            t = code_index[anchor.region_code[:9]]
            scope = _scope(rng, places, t, 0.5, 0.4)
            out.append(
                OfferInput(
                    id=f"offer-{category}-{j:05d}",
                    kind=OfferKind.MATERIAL.value,
                    region_prefix=scope,
                    lat=float(places.lat[t]),
                    lon=float(places.lon[t]),
                    item_category=category,
                    available=int(amounts[j]),
                    preferred_region=places.codes[t][:6] if rng.random() < 0.3 else None,
                )
            )
    return out


def _funds(rng: np.random.Generator, needs: list[NeedInput], n: int, supply: float) -> list[OfferInput]:
    funding = [x for x in needs if x.kind == NeedKind.FUNDING]
    total = supply * sum(x.amount_fen or 0 for x in funding) + 0.1 * supply * sum(
        x.amount_fen or 0 for x in needs if x.kind == NeedKind.MICRO_WISH
    )
    balances = _split(rng, total, n)
    children = frozenset({RC.CHILD.value, RC.LEFT_BEHIND.value, RC.CHILD_IN_HARDSHIP.value})
    elders = frozenset({RC.ELDERLY.value, RC.EMPTY_NEST.value, RC.DISABLED_ELDERLY.value})
    out: list[OfferInput] = []
    anchors = funding or needs
    for j in range(n):
        anchor = anchors[int(rng.integers(len(anchors)))]
        draw = rng.random()
        scope = anchor.region_code[:6] if draw < 0.2 else anchor.region_code[:4] if draw < 0.7 else "15"
        purpose_draw = rng.random()
        purposes = (
            frozenset()
            if purpose_draw < 0.5
            else frozenset({NeedKind.FUNDING.value})
            if purpose_draw < 0.8
            else frozenset({NeedKind.MICRO_WISH.value})
        )
        benef_draw = rng.random()
        beneficiaries = children if benef_draw < 0.2 else elders if benef_draw < 0.4 else frozenset()
        out.append(
            OfferInput(
                id=f"fund-{j:05d}",
                kind=OfferKind.FUND.value,
                region_prefix=scope,
                balance_fen=int(balances[j]) * 100 // 100,
                cap_per_need_fen=int(rng.choice([200_000, 300_000, 500_000])) if rng.random() < 0.6 else None,
                purposes=purposes,
                beneficiaries=beneficiaries,
                preferred_region=anchor.region_code[:6] if rng.random() < 0.3 else None,
            )
        )
    return out


def _volunteers(
    rng: np.random.Generator, places: _Places, needs: list[NeedInput], n: int, supply: float
) -> list[VolunteerInput]:
    care = [x for x in needs if x.kind == NeedKind.CARE]
    minutes = _split(rng, supply * sum(x.minutes_per_week for x in care), n) if care else np.full(n, 120)
    code_index = {code: k for k, code in enumerate(places.codes)}
    out: list[VolunteerInput] = []
    for j in range(n):
        t = (
            code_index[care[int(rng.integers(len(care)))].region_code[:9]]
            if care
            else int(rng.integers(len(places.codes)))
        )
        mongolian = rng.random() < places.mongolian[t] * 1.1
        langs = {Language.ZH.value} | ({Language.MN.value} if mongolian else set())
        if rng.random() < 0.3:
            langs.add(Language.DIALECT.value)
        skills = {Skill.COMPANIONSHIP.value} if rng.random() < 0.9 else set()
        for skill in CARE_SKILLS:
            if rng.random() < 0.25:
                skills.add(skill.value)
        out.append(
            VolunteerInput(
                id=f"vol-{j:05d}",
                region_code=places.codes[t],
                lat=float(places.lat[t] + rng.normal(0, 0.05)),
                lon=float(places.lon[t] + rng.normal(0, 0.07)),
                free_minutes_per_week=int(max(60, minutes[j])),
                skills=frozenset(skills),
                languages=frozenset(langs),
                availability=_random_week(rng, int(rng.integers(6, 15))),
                max_travel_km=float(rng.choice([20.0, 30.0, 50.0])),
            )
        )
    return out
