"""Funds: a need is paid in full by one fund, so funds are a knapsack (a generalised assignment
problem), not a flow: a fund's balance is spent in lumps of each need's own amount.

Exact where cheap: the candidate graph splits into connected components (funds scoped to
different leagues or counties never compete for the same need); all components with at most
`CostModel.fund_exact_max_pairs` pairs go into one block-diagonal MILP solved by HiGHS
(`scipy.optimize.milp`) under `fund_time_limit_s` (if HiGHS stops at the limit, its best
incumbent is kept).

Larger components are approximated by LP rounding. The LP relaxation of this knapsack — a fund
may pay part of a need — is itself a min-cost flow in money (yuan) units, so OR-Tools solves it
exactly in well under a second even at 100k needs. Needs the LP pays in full from one fund are
kept; needs it splits or pays in part (a basic LP solution has at most about one such need per
fund) are dropped, and a repair pass hands the leftover balances to unmet needs by score per
fen. The LP optimum is an upper bound, so the loss is known and reported in the notes. Finally
the answer is compared with plain greedy-by-density and the better one kept.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix

from gateway.matching.candidates import Pairs
from gateway.matching.flow import max_value_flow, split_components

YUAN = 100


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
    small: list[np.ndarray] = []
    large: list[np.ndarray] = []
    for part in split_components(pairs.need[sel], pairs.res[sel]):
        (small if len(part) <= exact_max_pairs else large).append(part)
    if small:
        part = np.concatenate(small)
        chosen = _milp(pairs.need[sel[part]], pairs.res[sel[part]], score[part], amount, balance, time_limit_s, notes)
        if chosen is None:
            large.append(part)
        else:
            pick[sel[part[chosen]]] = 1
    bound = sum(_lp_round(pairs, sel[part], score[part], amount, balance, pick) for part in large)
    # Top up with greedy (it only adds needs that still fit), and keep plain greedy if better.
    _greedy_density(pairs, sel, score, amount, balance, pick)
    if large:
        in_large = np.zeros(len(pairs), dtype=bool)
        in_large[sel[np.concatenate(large)]] = True
        kept = _total(pairs, pick * in_large, value)
        notes.append(
            f"funds: {int(in_large.sum())} pairs by LP rounding + repair: {kept:.1f} against an LP bound of"
            f" {bound:.1f} ({100 * (1 - kept / bound) if bound > 0 else 0:.2f}% below)"
        )
    greedy = np.zeros(len(pairs), dtype=np.int64)
    _greedy_density(pairs, sel, score, amount, balance, greedy)
    if _total(pairs, greedy, value) > _total(pairs, pick, value) + 1e-9:
        notes.append("funds: greedy by density beat the solver on this instance and was kept")
        return greedy
    return pick


def _lp_round(
    pairs: Pairs,
    idx: np.ndarray,
    score: np.ndarray,
    amount: np.ndarray,
    balance: np.ndarray,
    pick: np.ndarray,
) -> float:
    """LP relaxation as a min-cost flow in yuan; keeps needs paid in full by one fund; returns the
    LP optimum (an upper bound for this component)."""
    need, res = pairs.need[idx], pairs.res[idx]
    demand = -(-amount // YUAN)  # rounding the need up and the balance down keeps fen feasible
    capacity = balance // YUAN
    flow, bound = max_value_flow(need, res, score / demand[need], demand, capacity)
    whole = flow == demand[need]
    pick[idx[whole]] = 1
    return bound


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
    spent = np.bincount(pairs.res, weights=pick * amount[pairs.need], minlength=len(balance))
    residual = balance - spent.astype(np.int64)
    paid = np.bincount(pairs.need, weights=pick, minlength=len(amount)) > 0
    need = pairs.need[sel]
    open_ = ~paid[need]
    if not open_.any():
        return
    s, sc = sel[open_], score[open_]
    density = sc / np.maximum(amount[pairs.need[s]], 1)
    order = np.lexsort((-pairs.adj[s], -density))
    fits = amount[pairs.need[s]] <= residual[pairs.res[s]]
    for p in s[order[fits[order]]].tolist():
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
