"""Sparse candidate generation: which resources could meet which need, and how well.

Never builds all pairs. Offers and funds are bucketed by (category, region prefix) and each
need looks up, for every prefix length that occurs among the offers, the one bucket its own
region code falls into (a sorted-array `searchsorted` join, fully vectorised). Volunteers are
bucketed on a lat/lon grid whose cells are as wide as the longest travel limit, so a need only
looks at the 3x3 cells around it. Hard rules (category, scope, purposes, caps, skills, language,
availability, travel distance) filter those pairs; the survivors are scored and the best K per
need and resource class are kept (`CostModel.max_*_per_need`), which bounds the flow's arcs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from gateway.matching.model import ALL_WEEK, CostModel, NeedInput, OfferInput, VolunteerInput
from gateway.matching.scoring import haversine_km, need_values, pair_adjustments
from services.common.vocabulary import NeedKind, OfferKind

KM_PER_DEGREE = 111.2
MAX_ABS_LAT = 54.0  # Inner Mongolia reaches 53.3°N; bounds the width of a grid cell in longitude

# A need of this item category may be met by offers of these categories. Exact match for now;
# widen here (one place) if stations agree, e.g. that school supplies and books are interchangeable.
COMPATIBLE_OFFER_CATEGORIES: dict[str, tuple[str, ...]] = {}


@dataclass(slots=True)
class Pairs:
    """Candidate pairs of one resource class, as parallel arrays (need index, resource index)."""

    need: np.ndarray
    res: np.ndarray
    adj: np.ndarray
    distance_km: np.ndarray
    language_share: np.ndarray

    def __len__(self) -> int:
        return len(self.need)

    @staticmethod
    def empty() -> Pairs:
        z = np.zeros(0, dtype=np.int64)
        return Pairs(z, z.copy(), np.zeros(0), np.zeros(0), np.zeros(0))


@dataclass(slots=True)
class Candidates:
    """Everything a solver needs, as arrays indexed by need / resource position."""

    needs: Sequence[NeedInput]
    materials: list[OfferInput]
    funds: list[OfferInput]
    volunteers: list[VolunteerInput]
    value: np.ndarray  # value of meeting each need in full
    value_parts: dict[str, np.ndarray]
    units: np.ndarray  # material units a micro-wish needs (0: not a material need)
    minutes: np.ndarray  # volunteer minutes per week a care need needs
    amount: np.ndarray  # fen a fund must pay to meet the need (0: cannot be funded)
    offer_capacity: np.ndarray
    fund_balance: np.ndarray
    volunteer_capacity: np.ndarray
    material: Pairs = field(default_factory=Pairs.empty)
    fund: Pairs = field(default_factory=Pairs.empty)
    care: Pairs = field(default_factory=Pairs.empty)

    @property
    def size(self) -> int:
        return len(self.material) + len(self.fund) + len(self.care)


def generate_candidates(
    needs: Sequence[NeedInput],
    offers: Sequence[OfferInput],
    volunteers: Sequence[VolunteerInput],
    model: CostModel,
    now: datetime,
) -> Candidates:
    """Score needs, then find and score the feasible (need, resource) pairs of each class."""
    materials = [o for o in offers if o.kind == OfferKind.MATERIAL and o.available > 0 and o.item_category]
    funds = [o for o in offers if o.kind == OfferKind.FUND and o.balance_fen > 0]
    vols = [v for v in volunteers if v.free_minutes_per_week > 0]
    value, parts = need_values(needs, model, now)
    open_ = np.array([n.deadline is None or n.deadline >= now for n in needs], dtype=bool)
    kind = np.array([n.kind for n in needs], dtype=object)
    units = np.where(open_ & (kind == NeedKind.MICRO_WISH), [max(n.quantity, 0) for n in needs], 0)
    minutes = np.where(open_ & (kind == NeedKind.CARE), [n.minutes_per_week for n in needs], 0)
    fundable = open_ & ((kind == NeedKind.MICRO_WISH) | (kind == NeedKind.FUNDING))
    amount = np.where(fundable, [n.amount_fen or 0 for n in needs], 0)
    c = Candidates(
        needs=needs,
        materials=materials,
        funds=funds,
        volunteers=vols,
        value=value,
        value_parts=parts,
        units=units.astype(np.int64),
        minutes=minutes.astype(np.int64),
        amount=amount.astype(np.int64),
        offer_capacity=np.array([o.available for o in materials], dtype=np.int64),
        fund_balance=np.array([o.balance_fen for o in funds], dtype=np.int64),
        volunteer_capacity=np.array([v.free_minutes_per_week for v in vols], dtype=np.int64),
    )
    c.material = _material_pairs(c, model)
    c.fund = _fund_pairs(c, model)
    c.care = _care_pairs(c, model)
    return c


def _material_pairs(c: Candidates, model: CostModel) -> Pairs:
    wanted = np.flatnonzero(c.units > 0)
    if not len(wanted) or not c.materials:
        return Pairs.empty()
    keys = [_offer_keys(c.needs[i].item_category) for i in wanted]
    need_idx, res = _prefix_join(
        [c.needs[i].region_code for i in wanted],
        keys,
        [o.region_prefix for o in c.materials],
        [o.item_category for o in c.materials],
    )
    need_idx = wanted[need_idx]
    return _score_and_prune(c, c.materials, need_idx, res, None, model, model.max_offers_per_need)


def _fund_pairs(c: Candidates, model: CostModel) -> Pairs:
    wanted = np.flatnonzero(c.amount > 0)
    if not len(wanted) or not c.funds:
        return Pairs.empty()
    need_idx, res = _prefix_join(
        [c.needs[i].region_code for i in wanted],
        [(None,)] * len(wanted),
        [f.region_prefix for f in c.funds],
        [None] * len(c.funds),
    )
    need_idx = wanted[need_idx]
    bits: dict[str, int] = {}
    purpose = _masks((f.purposes for f in c.funds), bits)
    kind = _masks(([c.needs[i].kind] for i in range(len(c.needs))), bits)
    benef = _masks((f.beneficiaries for f in c.funds), bits)
    cats = _masks((n.categories for n in c.needs), bits)
    cap = np.array([f.cap_per_need_fen if f.cap_per_need_fen is not None else 2**62 for f in c.funds])
    amt = c.amount[need_idx]
    ok = (purpose[res] == 0) | ((purpose[res] & kind[need_idx]) != 0)
    ok &= (benef[res] == 0) | ((benef[res] & cats[need_idx]) != 0)
    ok &= (amt <= cap[res]) & (amt <= c.fund_balance[res])
    return _score_and_prune(c, c.funds, need_idx[ok], res[ok], None, model, model.max_funds_per_need, distance=False)


def _care_pairs(c: Candidates, model: CostModel) -> Pairs:
    wanted = np.flatnonzero(c.minutes > 0)
    if not len(wanted) or not c.volunteers:
        return Pairs.empty()
    vols = c.volunteers
    reach = max(v.max_travel_km for v in vols)
    cell_lat = max(reach, 1.0) / KM_PER_DEGREE
    cell_lon = cell_lat / np.cos(np.radians(MAX_ABS_LAT))
    v_lat = np.array([v.lat for v in vols])
    v_lon = np.array([v.lon for v in vols])
    v_cell = np.floor(v_lat / cell_lat).astype(np.int64) * 1_000_003 + np.floor(v_lon / cell_lon).astype(np.int64)
    order = np.argsort(v_cell, kind="stable")
    sorted_cells = v_cell[order]
    n_lat = np.array([c.needs[i].lat for i in wanted])
    n_lon = np.array([c.needs[i].lon for i in wanted])
    ci = np.floor(n_lat / cell_lat).astype(np.int64)
    cj = np.floor(n_lon / cell_lon).astype(np.int64)
    chunks_need, chunks_res = [], []
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            cell = (ci + di) * 1_000_003 + (cj + dj)
            lo = np.searchsorted(sorted_cells, cell, "left")
            hi = np.searchsorted(sorted_cells, cell, "right")
            a, b = _expand(lo, hi)
            chunks_need.append(a)
            chunks_res.append(order[b])
    local = np.concatenate(chunks_need)
    res = np.concatenate(chunks_res)
    need_idx = wanted[local]
    dist = haversine_km(n_lat[local], n_lon[local], v_lat[res], v_lon[res])
    travel = np.array([v.max_travel_km for v in vols])
    bits: dict[str, int] = {}
    n_skill = _masks((n.skills for n in c.needs), bits)
    v_skill = _masks((v.skills for v in vols), bits)
    lang_bits: dict[str, int] = {}
    n_lang = _masks((n.languages for n in c.needs), lang_bits)
    v_lang = _masks((v.languages for v in vols), lang_bits)
    n_sched = np.array([n.schedule or ALL_WEEK for n in c.needs], dtype=np.int64)
    v_avail = np.array([v.availability for v in vols], dtype=np.int64)
    ok = dist <= travel[res]
    ok &= (n_skill[need_idx] & ~v_skill[res]) == 0
    nl, vl = n_lang[need_idx], v_lang[res]
    ok &= (nl == 0) | ((nl & vl) != 0)
    ok &= (n_sched[need_idx] & v_avail[res]) != 0
    need_idx, res, dist = need_idx[ok], res[ok], dist[ok]
    nl, vl = n_lang[need_idx], v_lang[res]
    share = np.where(nl == 0, 0.0, _popcount(nl & vl) / np.maximum(_popcount(nl), 1))
    return _score_and_prune(c, vols, need_idx, res, (dist, share), model, model.max_volunteers_per_need)


def _score_and_prune(
    c: Candidates,
    resources: Sequence[OfferInput] | Sequence[VolunteerInput],
    need_idx: np.ndarray,
    res: np.ndarray,
    precomputed: tuple[np.ndarray, np.ndarray] | None,
    model: CostModel,
    k: int,
    distance: bool = True,
) -> Pairs:
    """Score pairs and keep the best `k` per need (ties: lower resource index, for determinism).

    The result is sorted by need, best pair first: solvers and greedy rely on that order.
    """
    if precomputed is not None:
        dist, share = precomputed
    else:
        share = np.zeros(len(need_idx))
        if distance:
            n_lat = np.array([n.lat for n in c.needs])
            n_lon = np.array([n.lon for n in c.needs])
            r_lat = np.array([r.lat for r in resources])
            r_lon = np.array([r.lon for r in resources])
            dist = haversine_km(n_lat[need_idx], n_lon[need_idx], r_lat[res], r_lon[res])
        else:
            dist = np.zeros(len(need_idx))
    preferred = _preferred_match(c.needs, resources, need_idx, res)
    adj, _ = pair_adjustments(dist, preferred, share, model)
    order = np.lexsort((res, -adj, need_idx))
    need_sorted = need_idx[order]
    first = np.searchsorted(need_sorted, need_sorted, "left")
    keep = order[(np.arange(len(order)) - first) < k]  # stays sorted by need, then best first
    return Pairs(need_idx[keep], res[keep], adj[keep], dist[keep], share[keep])


def _preferred_match(
    needs: Sequence[NeedInput], resources: Sequence[object], need_idx: np.ndarray, res: np.ndarray
) -> np.ndarray:
    """True where the resource's `preferred_region` prefix contains the need's region code."""
    prefs = [getattr(r, "preferred_region", None) or "" for r in resources]
    out = np.zeros(len(need_idx), dtype=bool)
    lengths = {len(p) for p in prefs if p}
    if not lengths:
        return out
    ids: dict[str, int] = {}
    pref_id = np.array([ids.setdefault(p, len(ids)) if p else -1 for p in prefs])
    pref_len = np.array([len(p) for p in prefs])
    for length in lengths:
        need_code = np.array([ids.get(n.region_code[:length], -2) for n in needs])
        sel = pref_len[res] == length
        out[sel] = need_code[need_idx[sel]] == pref_id[res[sel]]
    return out


def _offer_keys(item_category: str | None) -> tuple[str | None, ...]:
    if item_category is None:
        return ()
    return (item_category, *COMPATIBLE_OFFER_CATEGORIES.get(item_category, ()))


def _prefix_join(
    need_regions: Sequence[str],
    need_keys: Sequence[tuple[object, ...]],
    res_prefixes: Sequence[str],
    res_keys: Sequence[object],
) -> tuple[np.ndarray, np.ndarray]:
    """All (need, resource) with equal key where the need's region starts with the resource's prefix.

    One bucket lookup per need, prefix length and accepted key: cost is linear in the output.
    """
    out_need, out_res = [], []
    by_length: dict[int, list[int]] = {}
    for r, prefix in enumerate(res_prefixes):
        by_length.setdefault(len(prefix), []).append(r)
    for length, members in by_length.items():
        ids: dict[tuple[object, str], int] = {}
        codes = np.array([ids.setdefault((res_keys[r], res_prefixes[r]), len(ids)) for r in members])
        order = np.argsort(codes, kind="stable")
        sorted_codes = codes[order]
        member_arr = np.array(members)[order]
        max_keys = max((len(k) for k in need_keys), default=0)
        for slot in range(max_keys):
            need_code = np.array(
                [
                    ids.get((keys[slot], region[:length]), -1) if slot < len(keys) and len(region) >= length else -1
                    for region, keys in zip(need_regions, need_keys, strict=True)
                ]
            )
            lo = np.searchsorted(sorted_codes, need_code, "left")
            hi = np.where(need_code < 0, lo, np.searchsorted(sorted_codes, need_code, "right"))
            a, b = _expand(lo, hi)
            out_need.append(a)
            out_res.append(member_arr[b])
    if not out_need:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(out_need).astype(np.int64), np.concatenate(out_res).astype(np.int64)


def _expand(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Turn per-row ranges [lo, hi) into (row, position) pairs without a Python loop."""
    counts = np.maximum(hi - lo, 0)
    rows = np.repeat(np.arange(len(lo)), counts)
    starts = np.repeat(lo - np.cumsum(counts) + counts, counts)
    return rows, starts + np.arange(int(counts.sum()))


def _masks(sets: Iterable[Iterable[str]], bits: dict[str, int]) -> np.ndarray:
    """Encode code sets as int64 bit masks, assigning bits to codes on first sight."""
    out = []
    for codes in sets:
        mask = 0
        for code in codes:
            bit = bits.setdefault(code, len(bits))
            if bit > 62:
                raise ValueError("more than 63 distinct codes in one vocabulary")
            mask |= 1 << bit
        out.append(mask)
    return np.array(out, dtype=np.int64)


def _popcount(x: np.ndarray) -> np.ndarray:
    count = np.zeros(len(x))
    y = x.copy()
    while np.any(y):
        count += y & 1
        y >>= 1
    return count
