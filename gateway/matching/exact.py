"""The whole problem as one MILP (HiGHS via `scipy.optimize.milp`), used while it is small.

Variables, per candidate pair: material units x (integer), fund choice f (binary), care
minutes z (integer); per need: met y (binary). A micro-wish is met by its units from material
offers or by one fund paying its amount, never a mix; a care need by its weekly minutes (a rota
of volunteers may share them); a funding need by one fund. Capacities, balances and weekly
minutes are hard. Objective: the same score the flow path maximises.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix

from gateway.matching.allocation import Allocation
from gateway.matching.candidates import Candidates


def solve_exact(c: Candidates, time_limit_s: float) -> tuple[Allocation, bool]:
    """Optimal allocation and whether HiGHS proved it optimal (False: time limit incumbent)."""
    n_needs = len(c.needs)
    nm, nf, nc = len(c.material), len(c.fund), len(c.care)
    xm, xf, xc, xy = 0, nm, nm + nf, nm + nf + nc
    n_vars = xy + n_needs
    units = np.maximum(c.units, 1).astype(float)
    minutes = np.maximum(c.minutes, 1).astype(float)
    cost = np.zeros(n_vars)
    cost[xm:xf] = -c.material.adj / units[c.material.need]
    cost[xf:xc] = -c.fund.adj
    cost[xc:xy] = -c.care.adj / minutes[c.care.need]
    cost[xy:] = -c.value
    upper = np.concatenate(
        [
            np.minimum(c.units[c.material.need], c.offer_capacity[c.material.res]),
            (c.amount[c.fund.need] <= c.fund_balance[c.fund.res]).astype(float),
            np.minimum(c.minutes[c.care.need], c.volunteer_capacity[c.care.res]),
            np.ones(n_needs),
        ]
    ).astype(float)
    reachable = np.zeros(n_needs, dtype=bool)
    for pairs in (c.material, c.fund, c.care):
        reachable[pairs.need] = True
    upper[xy:] = reachable

    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    lo: list[np.ndarray] = []
    hi: list[np.ndarray] = []
    row = 0

    def block(r: np.ndarray, col: np.ndarray, v: np.ndarray) -> None:
        rows.append(r)
        cols.append(col)
        vals.append(np.asarray(v, dtype=float))

    # Demand: units + units*funds = units*y (micro-wish); funds = y (funding); minutes = minutes*y (care).
    # A need of no kind it could be met as keeps y = 0 through its row alone.
    need_rows = row + np.arange(n_needs)
    block(need_rows[c.material.need], xm + np.arange(nm), np.ones(nm))
    block(need_rows[c.fund.need], xf + np.arange(nf), np.where(c.units[c.fund.need] > 0, units[c.fund.need], 1.0))
    block(need_rows[c.care.need], xc + np.arange(nc), np.ones(nc))
    demand = np.where(c.units > 0, units, np.where(c.minutes > 0, minutes, 1.0))
    block(need_rows, xy + np.arange(n_needs), -demand)
    lo.append(np.zeros(n_needs))
    hi.append(np.zeros(n_needs))
    row += n_needs
    # At most one fund per need (the demand row already implies it for micro-wishes).
    block(row + c.fund.need, xf + np.arange(nf), np.ones(nf))
    lo.append(np.full(n_needs, -np.inf))
    hi.append(np.ones(n_needs))
    row += n_needs
    for pairs, offset, weights, capacity in (
        (c.material, xm, np.ones(nm), c.offer_capacity),
        (c.fund, xf, c.amount[c.fund.need].astype(float), c.fund_balance),
        (c.care, xc, np.ones(nc), c.volunteer_capacity),
    ):
        block(row + pairs.res, offset + np.arange(len(pairs)), weights)
        lo.append(np.full(len(capacity), -np.inf))
        hi.append(capacity.astype(float))
        row += len(capacity)

    matrix = coo_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(row, n_vars))
    result = milp(
        cost,
        integrality=np.ones(n_vars),
        bounds=Bounds(np.zeros(n_vars), upper),
        constraints=LinearConstraint(matrix.tocsr(), np.concatenate(lo), np.concatenate(hi)),
        options={"time_limit": time_limit_s, "mip_rel_gap": 1e-9},
    )
    if result.x is None:
        return Allocation.zeros(c), False
    x = np.rint(result.x).astype(np.int64)
    return Allocation(x[xm:xf], x[xf:xc], x[xc:xy]), result.status == 0
