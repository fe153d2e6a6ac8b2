"""First-come-first-served baseline: what a wish wall does today.

Needs are taken in the order they were posted; each gets the first resources that can meet it
in full (its candidates in score order), material before money for a micro-wish. Nobody looks
at who is most vulnerable, which is exactly what the optimiser is measured against.
"""

from __future__ import annotations

import numpy as np

from gateway.matching.allocation import Allocation
from gateway.matching.candidates import Candidates, Pairs


def solve_greedy(c: Candidates) -> Allocation:
    """Allocate in posting order (ties by id), each need in full or not at all."""
    a = Allocation.zeros(c)
    offer_left = c.offer_capacity.copy()
    fund_left = c.fund_balance.copy()
    minutes_left = c.volunteer_capacity.copy()
    ranges = {name: _ranges(p, len(c.needs)) for name, p in (("m", c.material), ("f", c.fund), ("c", c.care))}
    order = sorted(range(len(c.needs)), key=lambda i: (c.needs[i].created_at, c.needs[i].id))
    for n in order:
        if c.units[n] > 0 and _take(c.material, ranges["m"], n, int(c.units[n]), offer_left, a.material):
            continue
        if c.amount[n] > 0 and _pay(c, ranges["f"], n, fund_left, a.fund):
            continue
        if c.minutes[n] > 0:
            _take(c.care, ranges["c"], n, int(c.minutes[n]), minutes_left, a.care)
    return a


def _pay(c: Candidates, ranges: tuple[np.ndarray, np.ndarray], n: int, left: np.ndarray, pick: np.ndarray) -> bool:
    """The first fund (in score order) with room pays the need's whole amount."""
    for p in range(int(ranges[0][n]), int(ranges[1][n])):
        f = c.fund.res[p]
        if left[f] >= c.amount[n]:
            left[f] -= c.amount[n]
            pick[p] = 1
            return True
    return False


def _ranges(pairs: Pairs, n: int) -> tuple[np.ndarray, np.ndarray]:
    needs = np.arange(n)
    return np.searchsorted(pairs.need, needs, "left"), np.searchsorted(pairs.need, needs, "right")


def _take(
    pairs: Pairs,
    ranges: tuple[np.ndarray, np.ndarray],
    n: int,
    want: int,
    left: np.ndarray,
    flow: np.ndarray,
) -> bool:
    """Fill `want` units from this need's pairs in order, only if the whole demand fits."""
    lo, hi = int(ranges[0][n]), int(ranges[1][n])
    if lo == hi or int(left[pairs.res[lo:hi]].sum()) < want:
        return False
    for p in range(lo, hi):
        r = pairs.res[p]
        take = min(int(left[r]), want)
        if take:
            left[r] -= take
            flow[p] += take
            want -= take
        if not want:
            break
    return True
