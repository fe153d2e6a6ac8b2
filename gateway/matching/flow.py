"""Material units and volunteer minutes as a min-cost flow (OR-Tools), then all-or-nothing repair.

Graph: source -> resource (capacity = units on offer / free minutes per week) -> need (one arc
per candidate pair) -> sink (capacity = the need's demand), plus a zero-cost bypass source ->
sink so nothing is forced to flow. The unit cost of a pair arc is minus the need's score per
unit, so the min-cost flow maximises priority-weighted demand served. Arcs are added in bulk
from numpy arrays: adding them one at a time costs more than solving.

The flow may serve a need only partly (its value is credited per unit). With demand 1 — most
micro-wishes — that never happens and the flow is exact. Otherwise partial needs are released
and a repair pass gives the freed capacity to unmet needs in order of value per unit, each only
if it can be met in full. This is the one approximation on this path; docs/matching.md says
how far from the exact optimum it lands.
"""

from __future__ import annotations

import numpy as np
from ortools.graph.python.min_cost_flow import SimpleMinCostFlow
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from gateway.matching.candidates import Pairs

COST_RESOLUTION = 1_000_000  # the best pair's unit cost becomes -1e6; int64 has ample headroom


def solve_flow(
    pairs: Pairs, demand: np.ndarray, value: np.ndarray, capacity: np.ndarray, active: np.ndarray
) -> np.ndarray:
    """Units (or minutes) per pair that meet active needs in full, maximising their score.

    Connected components of the candidate graph (in practice: leagues for care, categories for
    material) are solved one by one: the solver is superlinear, so this is faster than one graph.
    """
    flow = np.zeros(len(pairs), dtype=np.int64)
    sel = np.flatnonzero(active[pairs.need] & (capacity[pairs.res] > 0) & (demand[pairs.need] > 0))
    if len(sel):
        need, res = pairs.need[sel], pairs.res[sel]
        per_unit = (value[need] + pairs.adj[sel]) / demand[need]
        for part in split_components(need, res):
            flow[sel[part]], _ = max_value_flow(need[part], res[part], per_unit[part], demand, capacity)
    drop_partial(pairs, flow, demand)
    repair(pairs, flow, demand, value, capacity, active)
    return flow


def split_components(need: np.ndarray, res: np.ndarray) -> list[np.ndarray]:
    """Pair positions grouped by connected component of the bipartite need-resource graph."""
    needs, n_node = np.unique(need, return_inverse=True)
    resources, r_node = np.unique(res, return_inverse=True)
    size = len(needs) + len(resources)
    graph = coo_matrix((np.ones(len(need)), (n_node, len(needs) + r_node)), shape=(size, size))
    _, labels = connected_components(graph, directed=False)
    comp = labels[n_node]
    order = np.argsort(comp, kind="stable")
    bounds = np.searchsorted(comp[order], np.arange(comp.max() + 2))
    return [order[bounds[i] : bounds[i + 1]] for i in range(len(bounds) - 1) if bounds[i + 1] > bounds[i]]


def max_value_flow(
    need: np.ndarray, res: np.ndarray, per_unit: np.ndarray, demand: np.ndarray, capacity: np.ndarray
) -> tuple[np.ndarray, float]:
    """Flow per pair maximising sum(per_unit * flow) (the LP optimum), and that optimum.

    Pair arcs carry at most min(demand, capacity); nothing is forced to flow (bypass arc).
    """
    scale = COST_RESOLUTION / max(float(per_unit.max()), 1e-9)
    cost = -np.rint(per_unit * scale).astype(np.int64)
    needs_used, need_node = np.unique(need, return_inverse=True)
    res_used, res_node = np.unique(res, return_inverse=True)
    n_res, n_need = len(res_used), len(needs_used)
    source, sink = 0, 1 + n_res + n_need
    res_cap = capacity[res_used]
    need_dem = demand[needs_used]
    total = int(min(res_cap.sum(), need_dem.sum()))
    tails = np.concatenate([np.zeros(n_res), 1 + res_node, 1 + n_res + np.arange(n_need), [source]])
    heads = np.concatenate([1 + np.arange(n_res), 1 + n_res + need_node, np.full(n_need, sink), [sink]])
    caps = np.concatenate([res_cap, np.minimum(demand[need], capacity[res]), need_dem, [total]])
    costs = np.concatenate([np.zeros(n_res), cost, np.zeros(n_need), [0]])
    smcf = SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), caps.astype(np.int64), costs.astype(np.int64)
    )
    smcf.set_nodes_supplies(np.array([source, sink], dtype=np.int32), np.array([total, -total], dtype=np.int64))
    status = smcf.solve()
    if status != smcf.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    flow = np.asarray(smcf.flows(np.arange(n_res, n_res + len(need), dtype=np.int32)), dtype=np.int64)
    return flow, -smcf.optimal_cost() / scale


def drop_partial(pairs: Pairs, flow: np.ndarray, demand: np.ndarray) -> None:
    """Release every need the flow served only in part."""
    got = np.bincount(pairs.need, weights=flow, minlength=len(demand))
    partial = (got > 0) & (got < demand)
    flow[partial[pairs.need]] = 0


def repair(
    pairs: Pairs, flow: np.ndarray, demand: np.ndarray, value: np.ndarray, capacity: np.ndarray, active: np.ndarray
) -> None:
    """Give leftover capacity to unmet needs (best value per unit first), each only if met in full.

    Pairs are sorted by need, best first (see candidates), so a need's pairs are one slice.
    """
    residual = capacity - np.bincount(pairs.res, weights=flow, minlength=len(capacity)).astype(np.int64)
    got = np.bincount(pairs.need, weights=flow, minlength=len(demand))
    open_pair = active[pairs.need] & (got[pairs.need] == 0) & (residual[pairs.res] > 0)
    todo = np.unique(pairs.need[open_pair])
    if not len(todo):
        return
    todo = todo[np.argsort(-(value[todo] / np.maximum(demand[todo], 1)), kind="stable")]
    starts = np.searchsorted(pairs.need, todo, "left")
    ends = np.searchsorted(pairs.need, todo, "right")
    for n, lo, hi in zip(todo.tolist(), starts.tolist(), ends.tolist(), strict=True):
        rs = pairs.res[lo:hi]
        room = residual[rs]
        want = int(demand[n])
        if room.sum() < want:
            continue
        for j in range(hi - lo):
            take = min(int(room[j]), want)
            if take:
                flow[lo + j] += take
                residual[rs[j]] -= take
                want -= take
            if not want:
                break
