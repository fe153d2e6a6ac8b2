"""Funds: a need is paid in full by one fund, so funds are a knapsack (a generalised assignment
problem), not a flow: a fund's balance is spent in lumps of each need's own amount.

Exact where cheap: the candidate graph is split into connected components (funds scoped to
different leagues or counties never compete for the same need); all components with at most
`CostModel.fund_exact_max_pairs` pairs go into one block-diagonal MILP solved by HiGHS
(`scipy.optimize.milp`) under `fund_time_limit_s`. If HiGHS stops at the time limit we keep its
best incumbent. Larger components — and any component HiGHS returns no solution for — are
approximated by greedy by value density (score per fen, the LP relaxation's order for a single
knapsack), each need going to the eligible fund with the best pair score and then the most room;
the result of either path is compared with that greedy and the better one is kept.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components

from gateway.matching.candidates import Pairs


def solve_funds(
    pairs: Pairs,
    amount: np.ndarray,
    value: np.ndarray,
    balance: np.ndarray,
    active: np.ndarray,
    exact_max_pairs: int,
    time_limit_s: float,
    notes: list[str],
) -> np.ndarray:
    """1 for each fund pair chosen: each active need paid by at most one fund, within balances."""
    pick = np.zeros(len(pairs), dtype=np.int64)
    sel = np.flatnonzero(active[pairs.need] & (amount[pairs.need] <= balance[pairs.res]))
    if not len(sel):
        return pick
    score = value[pairs.need[sel]] + pairs.adj[sel]
    comp = _components(pairs.need[sel], pairs.res[sel])
    sizes = np.bincount(comp)
    exact = sizes[comp] <= exact_max_pairs
    if exact.any():
        chosen = _milp(
            pairs.need[sel][exact], pairs.res[sel][exact], score[exact], amount, balance, time_limit_s, notes
        )
        if chosen is not None:
            pick[sel[exact][chosen]] = 1
        else:
            exact[:] = False
    if (~exact).any():
        notes.append(f"funds: {int((~exact).sum())} pairs approximated by greedy value density")
    # The greedy pass covers components left out of the MILP and tops up anything the MILP's
    # incumbent left on the table (it only adds needs that still fit).
    greedy = pick.copy()
    _greedy_density(pairs, sel, score, amount, balance, greedy)
    if _total(pairs, greedy, value) > _total(pairs, pick, value) + 1e-9:
        pick = greedy
    return pick


def _components(need: np.ndarray, res: np.ndarray) -> np.ndarray:
    """Connected component of each pair in the bipartite need-fund graph."""
    needs, n_node = np.unique(need, return_inverse=True)
    funds, f_node = np.unique(res, return_inverse=True)
    n = len(needs) + len(funds)
    graph = coo_matrix((np.ones(len(need)), (n_node, len(needs) + f_node)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return labels[n_node]


def _milp(
    need: np.ndarray,
    res: np.ndarray,
    score: np.ndarray,
    amount: np.ndarray,
    balance: np.ndarray,
    time_limit_s: float,
    notes: list[str],
) -> np.ndarray | None:
    """Max total score of chosen pairs; one fund per need; a fund's chosen amounts within its balance."""
    m = len(need)
    needs, n_row = np.unique(need, return_inverse=True)
    funds, f_row = np.unique(res, return_inverse=True)
    cols = np.arange(m)
    one_per_need = csr_matrix((np.ones(m), (n_row, cols)), shape=(len(needs), m))
    within_balance = csr_matrix((amount[need].astype(float), (f_row, cols)), shape=(len(funds), m))
    result = milp(
        -score,
        integrality=np.ones(m),
        bounds=Bounds(0, 1),
        constraints=[
            LinearConstraint(one_per_need, -np.inf, 1),
            LinearConstraint(within_balance, -np.inf, balance[funds].astype(float)),
        ],
        options={"time_limit": time_limit_s, "mip_rel_gap": 1e-6},
    )
    if result.x is None:
        notes.append(f"funds: HiGHS found no solution ({result.message}); greedy used")
        return None
    if result.status != 0:
        notes.append(f"funds: HiGHS stopped early ({result.message}); best incumbent kept")
    chosen = result.x > 0.5
    # Guard against integrality tolerance: drop picks that would overdraw a fund.
    spent = np.bincount(f_row, weights=amount[need] * chosen, minlength=len(funds))
    over = spent > balance[funds]
    if over.any():
        chosen &= ~over[f_row]
    return chosen


def _greedy_density(
    pairs: Pairs, sel: np.ndarray, score: np.ndarray, amount: np.ndarray, balance: np.ndarray, pick: np.ndarray
) -> None:
    """Needs by best score per fen first; each to its best-scoring fund that still has room."""
    residual = balance - np.bincount(pairs.res, weights=pick * amount[pairs.need], minlength=len(balance)).astype(
        np.int64
    )
    paid = np.bincount(pairs.need, weights=pick, minlength=len(amount)) > 0
    need = pairs.need[sel]
    density = score / np.maximum(amount[need], 1)
    order = np.lexsort((-pairs.adj[sel], -density))
    for p in sel[order].tolist():
        n = int(pairs.need[p])
        if paid[n]:
            continue
        f = int(pairs.res[p])
        if amount[n] <= residual[f]:
            residual[f] -= amount[n]
            pick[p] = 1
            paid[n] = True


def _total(pairs: Pairs, pick: np.ndarray, value: np.ndarray) -> float:
    chosen = pick > 0
    return float((value[pairs.need[chosen]] + pairs.adj[chosen]).sum())
