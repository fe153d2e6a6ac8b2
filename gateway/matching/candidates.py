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
    need_lat: np.ndarray
    need_lon: np.ndarray
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
        need_lat=np.array([n.lat for n in needs], dtype=float),
        need_lon=np.array([n.lon for n in needs], dtype=float),
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
    key_ids: dict[str | None, int] = {}
    res_key = np.array([key_ids.setdefault(o.item_category, len(key_ids)) for o in c.materials])
    accepted = [_offer_keys(c.needs[i].item_category) for i in wanted.tolist()]
    slots = max(len(a) for a in accepted)
    need_keys = [np.array([key_ids.get(a[s], -1) if s < len(a) else -1 for a in accepted]) for s in range(slots)]
    local, res = _prefix_join(
        [c.needs[i].region_code for i in wanted.tolist()],
        need_keys,
        [o.region_prefix for o in c.materials],
        res_key,
        model.max_offers_per_need,
    )
    return _score_and_prune(
        c, c.materials, wanted[local], res, None, model, model.max_offers_per_need, jitter=model.prune_jitter
    )


def _fund_pairs(c: Candidates, model: CostModel) -> Pairs:
    """Funds are bucketed by scope and by their (purposes, beneficiaries) restriction, so a need only
    visits buckets whose restrictions it satisfies; the cap and balance are checked per pair."""
    wanted = np.flatnonzero(c.amount > 0)
    if not len(wanted) or not c.funds:
        return Pairs.empty()
    combos: dict[tuple[frozenset[str], frozenset[str]], int] = {}
    res_key = np.array([combos.setdefault((f.purposes, f.beneficiaries), len(combos)) for f in c.funds])
    bits: dict[str, int] = {}
    kind = _masks(([c.needs[i].kind] for i in wanted.tolist()), bits)
    cats = _masks((c.needs[i].categories for i in wanted.tolist()), bits)
    need_keys = []
    for (purposes, beneficiaries), key in combos.items():
        pm, bm = _masks([purposes], bits)[0], _masks([beneficiaries], bits)[0]
        fits = ((pm == 0) | ((kind & pm) != 0)) & ((bm == 0) | ((cats & bm) != 0))
        need_keys.append(np.where(fits, key, -1))
    local, res = _prefix_join(
        [c.needs[i].region_code for i in wanted.tolist()],
        need_keys,
        [f.region_prefix for f in c.funds],
        res_key,
        2 * model.max_funds_per_need,
    )
    need_idx = wanted[local]
    cap = np.array([f.cap_per_need_fen if f.cap_per_need_fen is not None else 2**62 for f in c.funds])
    amt = c.amount[need_idx]
    ok = (amt <= cap[res]) & (amt <= c.fund_balance[res])
    return _score_and_prune(
        c,
        c.funds,
        need_idx[ok],
        res[ok],
        None,
        model,
        model.max_funds_per_need,
        distance=False,
        jitter=model.prune_jitter,
    )


def _care_pairs(c: Candidates, model: CostModel) -> Pairs:
    """Volunteers on a lat/lon grid; cheap bit-mask rules (skills, language, schedule) run before
    the distance, which is computed only for pairs that pass them."""
    wanted = np.flatnonzero(c.minutes > 0)
    if not len(wanted) or not c.volunteers:
        return Pairs.empty()
    vols = c.volunteers
    reach = max(v.max_travel_km for v in vols)
    cell_lat = max(reach, 1.0) / KM_PER_DEGREE / 2  # half-reach cells, 5x5 around the need
    cell_lon = cell_lat / np.cos(np.radians(MAX_ABS_LAT))
    v_lat = np.array([v.lat for v in vols])
    v_lon = np.array([v.lon for v in vols])
    v_cell = np.floor(v_lat / cell_lat).astype(np.int64) * 1_000_003 + np.floor(v_lon / cell_lon).astype(np.int64)
    order = np.argsort(v_cell, kind="stable")
    sorted_cells = v_cell[order]
    n_lat, n_lon = c.need_lat[wanted], c.need_lon[wanted]
    ci = np.floor(n_lat / cell_lat).astype(np.int64)
    cj = np.floor(n_lon / cell_lon).astype(np.int64)
    chunks_need, chunks_res = [], []
    for di in range(-2, 3):
        for dj in range(-2, 3):
            cell = (ci + di) * 1_000_003 + (cj + dj)
            lo = np.searchsorted(sorted_cells, cell, "left")
            a, b = _expand(lo, np.searchsorted(sorted_cells, cell, "right"), model.volunteers_per_cell)
            chunks_need.append(a)
            chunks_res.append(order[b])
    local = np.concatenate(chunks_need)
    res = np.concatenate(chunks_res)
    travel = np.array([v.max_travel_km for v in vols])
    # Flat-earth distance first (cheap, generous by 5%); haversine only for the survivors.
    dy = (n_lat[local] - v_lat[res]) * KM_PER_DEGREE
    dx = (n_lon[local] - v_lon[res]) * KM_PER_DEGREE * np.cos(np.radians(n_lat[local]))
    near = dx * dx + dy * dy <= (travel[res] * 1.05) ** 2
    local, res = local[near], res[near]
    bits: dict[str, int] = {}
    n_skill = _masks((c.needs[i].skills for i in wanted.tolist()), bits)
    v_skill = _masks((v.skills for v in vols), bits)
    lang_bits: dict[str, int] = {}
    n_lang = _masks((c.needs[i].languages for i in wanted.tolist()), lang_bits)
    v_lang = _masks((v.languages for v in vols), lang_bits)
    n_sched = np.array([c.needs[i].schedule or ALL_WEEK for i in wanted.tolist()], dtype=np.int64)
    v_avail = np.array([v.availability for v in vols], dtype=np.int64)
    nl, vl = n_lang[local], v_lang[res]
    ok = (n_skill[local] & ~v_skill[res]) == 0
    ok &= (nl == 0) | ((nl & vl) != 0)
    ok &= (n_sched[local] & v_avail[res]) != 0
    local, res = local[ok], res[ok]
    dist = haversine_km(n_lat[local], n_lon[local], v_lat[res], v_lon[res])
    ok = dist <= travel[res]
    local, res, dist = local[ok], res[ok], dist[ok]
    nl, vl = n_lang[local], v_lang[res]
    share = np.where(nl == 0, 0.0, _popcount(nl & vl) / np.maximum(_popcount(nl), 1))
    return _score_and_prune(
        c, vols, wanted[local], res, (dist, share), model, model.max_volunteers_per_need, jitter=model.prune_jitter
    )


def _score_and_prune(
    c: Candidates,
    resources: Sequence[OfferInput] | Sequence[VolunteerInput],
    need_idx: np.ndarray,
    res: np.ndarray,
    precomputed: tuple[np.ndarray, np.ndarray] | None,
    model: CostModel,
    k: int,
    distance: bool = True,
    jitter: float = 0.0,
) -> Pairs:
    """Score pairs and keep the best `k` per need (ties: lower resource index, for determinism).

    The result is sorted by need, best pair first: solvers and greedy rely on that order.
    """
    if precomputed is not None:
        dist, share = precomputed
    else:
        share = np.zeros(len(need_idx))
        if distance:
            n_lat, n_lon = c.need_lat, c.need_lon
            r_lat = np.array([r.lat for r in resources])
            r_lon = np.array([r.lon for r in resources])
            dist = haversine_km(n_lat[need_idx], n_lon[need_idx], r_lat[res], r_lon[res])
        else:
            dist = np.zeros(len(need_idx))
    preferred = _preferred_match(c.needs, resources, need_idx, res)
    adj, _ = pair_adjustments(dist, preferred, share, model)
    keep = _best_k(need_idx, res, adj, k, jitter)
    return Pairs(need_idx[keep], res[keep], adj[keep], dist[keep], share[keep])


def _best_k(need: np.ndarray, res: np.ndarray, adj: np.ndarray, k: int, jitter: float) -> np.ndarray:
    """Indices of the K pairs per need to keep, sorted by need then best adjustment first.

    Ranking by a little jitter (a fixed hash of the pair) on top of the adjustment keeps the
    candidate graph diverse: ranked by distance alone, every need of a township would pick the
    same few nearest volunteers, whose hours cannot serve them all, and the solver would lose
    needs that a farther (still allowed) volunteer could meet.
    """
    noise = ((need * 2654435761 + res * 40503) % 65536) / 65536.0 * jitter
    key = need.astype(np.float64) * 64.0 - np.clip(adj + noise, -31.0, 31.0)
    order = np.argsort(key, kind="stable")
    need_sorted = need[order]
    first = np.searchsorted(need_sorted, need_sorted, "left")
    keep = order[(np.arange(len(order)) - first) < k]
    again = np.argsort(need[keep].astype(np.float64) * 64.0 - np.clip(adj[keep], -31.0, 31.0), kind="stable")
    return keep[again]


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
    need_keys: Sequence[np.ndarray],
    res_prefixes: Sequence[str],
    res_key: np.ndarray,
    limit: int,
) -> tuple[np.ndarray, np.ndarray]:
    """(need, resource) pairs with an accepted key where the need's region starts with the prefix.

    `need_keys` holds one array per key slot: the key id each need accepts in that slot, or -1.
    For each prefix length among the resources, a need's region prefix is looked up once; the
    bucket (prefix, key) is a range in a sorted int array. A bucket larger than `limit` gives
    each need `limit` of its members, from a need-dependent offset, so wide scopes (a region-wide
    donor) never multiply out while every member still reaches some needs.
    """
    out_need, out_res = [], []
    n_keys = int(res_key.max()) + 1 if len(res_key) else 1
    lengths = np.array([len(p) for p in res_prefixes])
    for length in np.unique(lengths).tolist():
        members = np.flatnonzero(lengths == length)
        prefix_ids: dict[str, int] = {}
        res_prefix = np.array([prefix_ids.setdefault(res_prefixes[r], len(prefix_ids)) for r in members.tolist()])
        codes = res_prefix * n_keys + res_key[members]
        order = np.argsort(codes, kind="stable")
        sorted_codes, sorted_members = codes[order], members[order]
        need_prefix = np.array([prefix_ids.get(region[:length], -1) for region in need_regions])
        for keys in need_keys:
            need_code = np.where((need_prefix >= 0) & (keys >= 0), need_prefix * n_keys + keys, -1)
            lo = np.searchsorted(sorted_codes, need_code, "left")
            hi = np.where(need_code < 0, lo, np.searchsorted(sorted_codes, need_code, "right"))
            a, b = _expand(lo, hi, limit)
            out_need.append(a)
            out_res.append(sorted_members[b])
    if not out_need:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(out_need).astype(np.int64), np.concatenate(out_res).astype(np.int64)


def _expand(lo: np.ndarray, hi: np.ndarray, limit: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Turn per-row ranges [lo, hi) into (row, position) pairs without a Python loop.

    With `limit`, a row takes at most `limit` positions of its range, starting at an offset that
    depends on the row (wrapping around), so different rows see different members.
    """
    size = np.maximum(hi - lo, 0)
    counts = size if limit is None else np.minimum(size, limit)
    rows = np.repeat(np.arange(len(lo)), counts)
    step = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    if limit is None:
        return rows, lo[rows] + step
    offset = (rows * 2654435761) % np.maximum(size[rows], 1)
    return rows, lo[rows] + (offset + step) % np.maximum(size[rows], 1)


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
