"""An assignment of resources to needs over a candidate set, and how to judge one.

Every solver (exact MILP, flow + knapsack, greedy) returns an `Allocation`, so feasibility,
the objective and the proposals are computed by one piece of code for all of them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gateway.matching.candidates import Candidates


@dataclass(slots=True)
class Allocation:
    material: np.ndarray  # units per material pair
    fund: np.ndarray  # 1 where the fund pays the need's whole amount
    care: np.ndarray  # minutes per week per care pair

    @staticmethod
    def zeros(c: Candidates) -> Allocation:
        return Allocation(
            np.zeros(len(c.material), dtype=np.int64),
            np.zeros(len(c.fund), dtype=np.int64),
            np.zeros(len(c.care), dtype=np.int64),
        )

    def copy(self) -> Allocation:
        return Allocation(self.material.copy(), self.fund.copy(), self.care.copy())


def served(c: Candidates, a: Allocation) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per need: material units received, funds paying, care minutes received."""
    n = len(c.needs)
    return (
        np.bincount(c.material.need, weights=a.material, minlength=n).astype(np.int64),
        np.bincount(c.fund.need, weights=a.fund, minlength=n).astype(np.int64),
        np.bincount(c.care.need, weights=a.care, minlength=n).astype(np.int64),
    )


def met_mask(c: Candidates, a: Allocation) -> np.ndarray:
    """A need counts as met only when it is met in full (partial help is not a met wish)."""
    units, funds, minutes = served(c, a)
    by_material = (c.units > 0) & (units == c.units) & (funds == 0)
    by_fund = (c.amount > 0) & (funds == 1) & (units == 0)
    by_care = (c.minutes > 0) & (minutes == c.minutes)
    return by_material | by_fund | by_care


def objective(c: Candidates, a: Allocation) -> float:
    """Sum over met needs of value + pair adjustment (pro-rated over the pairs sharing a need)."""
    met = met_mask(c, a)
    total = float(c.value[met].sum())
    for pairs, flow, demand in (
        (c.material, a.material, c.units),
        (c.fund, a.fund, None),
        (c.care, a.care, c.minutes),
    ):
        if not len(pairs):
            continue
        share = flow.astype(float) if demand is None else flow / np.maximum(demand[pairs.need], 1)
        total += float((pairs.adj * share)[met[pairs.need]].sum())
    return total


def violations(c: Candidates, a: Allocation) -> list[str]:
    """Every broken capacity, balance, cap or all-or-nothing rule (empty when feasible)."""
    out: list[str] = []
    used = np.bincount(c.material.res, weights=a.material, minlength=len(c.materials))
    if np.any(used > c.offer_capacity):
        out.append("material offer over capacity")
    spent = np.bincount(c.fund.res, weights=a.fund * c.amount[c.fund.need], minlength=len(c.funds))
    if np.any(spent > c.fund_balance):
        out.append("fund over balance")
    minutes = np.bincount(c.care.res, weights=a.care, minlength=len(c.volunteers))
    if np.any(minutes > c.volunteer_capacity):
        out.append("volunteer over weekly minutes")
    if np.any(a.material < 0) or np.any(a.care < 0) or np.any((a.fund != 0) & (a.fund != 1)):
        out.append("negative or fractional assignment")
    units, funds, mins = served(c, a)
    met = met_mask(c, a)
    touched = (units > 0) | (funds > 0) | (mins > 0)
    if np.any(touched & ~met):
        out.append("need partly served")
    return out
