"""Property tests on random small instances, checked against rules written here from scratch.

Feasibility, the score and the exact optimum are re-derived in this file from the raw inputs
(not from gateway.matching.candidates or its solvers), so a bug there cannot hide itself.
Instances stay below every sparsity limit (K per need, bucket and cell limits), so the engine's
candidate set must be the full feasible set.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from gateway.matching import ALL_WEEK, CostModel, MatchResult, NeedInput, OfferInput, VolunteerInput, propose

NOW = datetime(2025, 3, 1, tzinfo=UTC)
MODEL = CostModel()
REGIONS = ("150781001001", "150781002003", "150782001001", "150102001002")
PREFIXES = ("15", "1507", "150781", "150781001", "1501")
CATEGORIES = ("tekun", "dibao", "dibian", "living_alone", "empty_nest", "disabled", "left_behind", "child")
ITEMS = ("school_supplies", "books")
SKILLS = ("companionship", "haircut")
LANGS = ("zh", "mn")
SLOTS = (0b111, 0b111000, 0b1, ALL_WEEK)


def _subset(options: tuple[str, ...]) -> st.SearchStrategy[frozenset[str]]:
    return st.frozensets(st.sampled_from(options), max_size=len(options))


@st.composite
def needs_(draw: st.DrawFn, i: int) -> NeedInput:
    kind = draw(st.sampled_from(("micro_wish", "micro_wish", "care", "funding")))
    common = dict(
        id=f"n{i}",
        region_code=draw(st.sampled_from(REGIONS)),
        lat=49.5 + draw(st.floats(0, 0.5)),
        lon=117.5 + draw(st.floats(0, 0.5)),
        created_at=NOW - timedelta(days=draw(st.integers(0, 200))),
        deadline=draw(st.none() | st.integers(-5, 60).map(lambda d: NOW + timedelta(days=d))),
        categories=draw(_subset(CATEGORIES)),
    )
    if kind == "micro_wish":
        return NeedInput(
            kind=kind,
            item_category=draw(st.sampled_from(ITEMS)),
            quantity=draw(st.integers(1, 3)),
            amount_fen=draw(st.none() | st.integers(10, 60).map(lambda y: y * 100)),
            **common,  # type: ignore[arg-type]
        )
    if kind == "care":
        return NeedInput(
            kind=kind,
            skills=draw(_subset(SKILLS)),
            languages=draw(_subset(LANGS)),
            visits_per_month=draw(st.integers(1, 4)),
            visit_minutes=draw(st.sampled_from((30, 60))),
            schedule=draw(st.sampled_from((0, *SLOTS))),
            **common,  # type: ignore[arg-type]
        )
    return NeedInput(kind=kind, amount_fen=draw(st.integers(10, 60)) * 100, **common)  # type: ignore[arg-type]


@st.composite
def instances(draw: st.DrawFn) -> tuple[list[NeedInput], list[OfferInput], list[VolunteerInput]]:
    needs = [draw(needs_(i)) for i in range(draw(st.integers(1, 9)))]
    offers: list[OfferInput] = []
    for j in range(draw(st.integers(0, 4))):
        offers.append(
            OfferInput(
                id=f"m{j}",
                kind="material",
                region_prefix=draw(st.sampled_from(PREFIXES)),
                lat=49.5 + draw(st.floats(0, 1)),
                lon=117.5 + draw(st.floats(0, 1)),
                item_category=draw(st.sampled_from(ITEMS)),
                available=draw(st.integers(0, 4)),
                preferred_region=draw(st.none() | st.sampled_from(PREFIXES)),
            )
        )
    for j in range(draw(st.integers(0, 3))):
        offers.append(
            OfferInput(
                id=f"f{j}",
                kind="fund",
                region_prefix=draw(st.sampled_from(PREFIXES)),
                balance_fen=draw(st.integers(0, 120)) * 100,
                cap_per_need_fen=draw(st.none() | st.sampled_from((2000, 4000))),
                purposes=draw(_subset(("micro_wish", "funding"))),
                beneficiaries=draw(_subset(("child", "tekun", "empty_nest"))),
                preferred_region=draw(st.none() | st.sampled_from(PREFIXES)),
            )
        )
    volunteers = [
        VolunteerInput(
            id=f"v{k}",
            region_code=draw(st.sampled_from(REGIONS)),
            lat=49.5 + draw(st.floats(0, 0.6)),
            lon=117.5 + draw(st.floats(0, 0.6)),
            free_minutes_per_week=draw(st.integers(0, 150)),
            skills=draw(_subset(SKILLS)),
            languages=draw(_subset(LANGS)),
            availability=draw(st.sampled_from(SLOTS)),
            max_travel_km=draw(st.sampled_from((20.0, 60.0))),
        )
        for k in range(draw(st.integers(0, 3)))
    ]
    return needs, offers, volunteers


# --- The rules, restated independently -------------------------------------------------------


def km(a_lat: float, a_lon: float, b_lat: float, b_lon: float) -> float:
    p1, p2 = math.radians(a_lat), math.radians(b_lat)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b_lon - a_lon) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(min(1.0, h)))


def need_value(n: NeedInput) -> float:
    m = MODEL
    cats = n.categories
    tier = (
        m.tier_tekun
        if "tekun" in cats
        else m.tier_dibao
        if "dibao" in cats
        else m.tier_dibian
        if "dibian" in cats
        else m.tier_other
    )
    bonus = (
        m.bonus_living_alone * ("living_alone" in cats)
        + m.bonus_empty_nest * ("empty_nest" in cats)
        + m.bonus_disabled * bool({"disabled", "disabled_elderly"} & cats)
        + m.bonus_left_behind * ("left_behind" in cats)
        + m.bonus_child_in_hardship * ("child_in_hardship" in cats)
    )
    waited = (NOW - n.created_at).total_seconds() / 86400
    waiting = min(max(waited, 0) * m.waiting_per_day, m.waiting_max)
    deadline = 0.0
    if n.deadline is not None:
        left = (n.deadline - NOW).total_seconds() / 86400
        deadline = min(max(1 - left / m.deadline_window_days, 0.0), 1.0) * m.deadline_max
    return tier + min(bonus, m.bonus_cap) + waiting + deadline


def pair_adj(n: NeedInput, r: OfferInput | VolunteerInput) -> float:
    m = MODEL
    if isinstance(r, OfferInput) and r.kind == "fund":
        distance = 0.0
    else:
        distance = min(km(n.lat, n.lon, r.lat, r.lon) * m.distance_per_km, m.distance_max)
    pref = getattr(r, "preferred_region", None)
    preferred = m.preferred_region if pref and n.region_code.startswith(pref) else 0.0
    language = 0.0
    if isinstance(r, VolunteerInput) and n.languages:
        language = m.language * len(n.languages & r.languages) / len(n.languages)
    return -distance + preferred + language


def is_open(n: NeedInput) -> bool:
    return n.deadline is None or n.deadline >= NOW


def material_ok(n: NeedInput, o: OfferInput) -> bool:
    return (
        is_open(n)
        and n.kind == "micro_wish"
        and o.kind == "material"
        and o.available > 0
        and o.item_category == n.item_category
        and n.region_code.startswith(o.region_prefix)
    )


def fund_ok(n: NeedInput, f: OfferInput) -> bool:
    return (
        is_open(n)
        and n.kind in ("micro_wish", "funding")
        and f.kind == "fund"
        and bool(n.amount_fen)
        and n.region_code.startswith(f.region_prefix)
        and (not f.purposes or n.kind in f.purposes)
        and (not f.beneficiaries or bool(f.beneficiaries & n.categories))
        and (f.cap_per_need_fen is None or (n.amount_fen or 0) <= f.cap_per_need_fen)
        and (n.amount_fen or 0) <= f.balance_fen
    )


def care_ok(n: NeedInput, v: VolunteerInput) -> bool:
    return (
        is_open(n)
        and n.kind == "care"
        and n.minutes_per_week > 0
        and v.free_minutes_per_week > 0
        and n.skills <= v.skills
        and (not n.languages or bool(n.languages & v.languages))
        and bool((n.schedule or ALL_WEEK) & v.availability)
        and km(n.lat, n.lon, v.lat, v.lon) <= v.max_travel_km
    )


def exact_optimum(needs: list[NeedInput], offers: list[OfferInput], vols: list[VolunteerInput]) -> float:
    """The whole problem as a MILP over every feasible pair, built densely and independently."""
    mats = [o for o in offers if o.kind == "material"]
    funds = [o for o in offers if o.kind == "fund"]
    cols: list[tuple[str, int, int]] = []  # (class, need, resource)
    cols += [("m", i, j) for i, n in enumerate(needs) for j, o in enumerate(mats) if material_ok(n, o)]
    cols += [("f", i, j) for i, n in enumerate(needs) for j, f in enumerate(funds) if fund_ok(n, f)]
    cols += [("c", i, k) for i, n in enumerate(needs) for k, v in enumerate(vols) if care_ok(n, v)]
    nv = len(cols) + len(needs)
    y0 = len(cols)
    c = np.zeros(nv)
    upper = np.ones(nv)
    rows: list[tuple[np.ndarray, float, float]] = []
    for col, (cls, i, j) in enumerate(cols):
        n = needs[i]
        if cls == "m":
            c[col] = -pair_adj(n, mats[j]) / n.quantity
            upper[col] = min(n.quantity, mats[j].available)
        elif cls == "f":
            c[col] = -pair_adj(n, funds[j])
        else:
            c[col] = -pair_adj(n, vols[j]) / n.minutes_per_week
            upper[col] = min(n.minutes_per_week, vols[j].free_minutes_per_week)
    for i, n in enumerate(needs):
        c[y0 + i] = -need_value(n)
        row = np.zeros(nv)
        fund_row = np.zeros(nv)
        for col, (cls, ni, _) in enumerate(cols):
            if ni != i:
                continue
            if cls == "f":
                row[col] = n.quantity if n.kind == "micro_wish" else 1
                fund_row[col] = 1
            else:
                row[col] = 1
        demand = n.quantity if n.kind == "micro_wish" else n.minutes_per_week if n.kind == "care" else 1
        row[y0 + i] = -demand
        rows.append((row, 0.0, 0.0))
        rows.append((fund_row, -np.inf, 1.0))
    for cls, resources, cap in (
        ("m", mats, lambda o: o.available),
        ("f", funds, lambda f: f.balance_fen),
        ("c", vols, lambda v: v.free_minutes_per_week),
    ):
        for j, r in enumerate(resources):
            row = np.zeros(nv)
            for col, (k, i, rj) in enumerate(cols):
                if k == cls and rj == j:
                    row[col] = needs[i].amount_fen if cls == "f" else 1
            rows.append((row, -np.inf, float(cap(r))))
    a = np.array([r[0] for r in rows])
    result = milp(
        c,
        integrality=np.ones(nv),
        bounds=Bounds(np.zeros(nv), upper),
        constraints=LinearConstraint(a, [r[1] for r in rows], [r[2] for r in rows]),
        options={"mip_rel_gap": 1e-9},
    )
    assert result.status == 0, result.message
    return -float(result.fun)


def check_feasible(
    result: MatchResult, needs: list[NeedInput], offers: list[OfferInput], vols: list[VolunteerInput]
) -> None:
    """Every proposal is an allowed pair; no capacity, balance, cap or hours limit is exceeded;
    every need proposed for is met in full, by material or by one fund, never both."""
    by_id_need = {n.id: n for n in needs}
    by_id_offer = {o.id: o for o in offers}
    by_id_vol = {v.id: v for v in vols}
    used: dict[str, int] = defaultdict(int)
    units: dict[str, int] = defaultdict(int)
    minutes: dict[str, int] = defaultdict(int)
    funds_paying: dict[str, int] = defaultdict(int)
    for p in result.proposals:
        n = by_id_need[p.need_id]
        assert abs(sum(p.score_parts.values()) - p.score) < 1e-3
        if p.resource_kind == "offer":
            o = by_id_offer[p.resource_id]
            assert material_ok(n, o) and p.quantity > 0
            used[o.id] += p.quantity
            units[n.id] += p.quantity
        elif p.resource_kind == "fund":
            f = by_id_offer[p.resource_id]
            assert fund_ok(n, f) and p.amount_fen == n.amount_fen
            assert f.cap_per_need_fen is None or p.amount_fen <= f.cap_per_need_fen
            used[f.id] += p.amount_fen
            funds_paying[n.id] += 1
        else:
            v = by_id_vol[p.resource_id]
            assert care_ok(n, v) and p.minutes_per_week > 0
            used[v.id] += p.minutes_per_week
            minutes[n.id] += p.minutes_per_week
    for o in offers:
        assert used[o.id] <= (o.available if o.kind == "material" else o.balance_fen)
    for v in vols:
        assert used[v.id] <= v.free_minutes_per_week
    for need_id in {p.need_id for p in result.proposals}:
        n = by_id_need[need_id]
        if n.kind == "micro_wish":
            assert (units[need_id] == n.quantity and not funds_paying[need_id]) or (
                funds_paying[need_id] == 1 and not units[need_id]
            )
        elif n.kind == "funding":
            assert funds_paying[need_id] == 1
        else:
            assert minutes[need_id] == n.minutes_per_week


def total_score(result: MatchResult) -> float:
    return sum(p.score for p in result.proposals)


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)


class TestRandomInstances:
    @SETTINGS
    @given(instances())
    def test_every_method_is_feasible(
        self, inst: tuple[list[NeedInput], list[OfferInput], list[VolunteerInput]]
    ) -> None:
        needs, offers, vols = inst
        for method in ("optimal", "decomposed", "greedy"):
            check_feasible(propose(needs, offers, vols, MODEL, method, now=NOW), needs, offers, vols)

    @SETTINGS
    @given(instances())
    def test_optimal_equals_independent_exact_and_beats_greedy(
        self, inst: tuple[list[NeedInput], list[OfferInput], list[VolunteerInput]]
    ) -> None:
        needs, offers, vols = inst
        optimal = propose(needs, offers, vols, MODEL, "optimal", now=NOW)
        greedy = propose(needs, offers, vols, MODEL, "greedy", now=NOW)
        exact = exact_optimum(needs, offers, vols)
        assert abs(total_score(optimal) - exact) <= 1e-4 * max(1.0, exact)
        assert abs(optimal.stats.objective - exact) <= 1e-4 * max(1.0, exact)
        assert total_score(optimal) >= total_score(greedy) - 1e-6

    @SETTINGS
    @given(instances())
    def test_decomposition_never_beats_the_optimum(
        self, inst: tuple[list[NeedInput], list[OfferInput], list[VolunteerInput]]
    ) -> None:
        needs, offers, vols = inst
        decomposed = propose(needs, offers, vols, MODEL, "decomposed", now=NOW)
        assert total_score(decomposed) <= exact_optimum(needs, offers, vols) + 1e-4
