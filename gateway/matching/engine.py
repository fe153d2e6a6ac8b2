"""`propose(...)`: candidates -> solver -> proposals with the reasons behind each score.

Methods:
- "optimal" (default): the exact MILP while the candidate set has at most
  `CostModel.exact_max_pairs` pairs, otherwise the decomposition below; never worse than greedy
  (if greedy happens to score higher on some instance, its allocation is returned and a note
  says so).
- "decomposed": 1. material units over micro-wishes as a min-cost flow; 2. care minutes as a
  second, independent min-cost flow; 3. funds as a knapsack over funding needs and the
  micro-wishes material could not meet; 4. exchange: micro-wishes met by material that a fund
  could pay from money left over are moved to that fund, and the freed units go to unmet wishes.
- "exact": the MILP whatever the size (for benchmarks and tests; may be slow).
- "greedy": first come, first served.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import datetime

import numpy as np

from gateway.matching.allocation import Allocation, met_mask, objective, violations
from gateway.matching.candidates import Candidates, generate_candidates
from gateway.matching.exact import solve_exact
from gateway.matching.flow import repair, solve_flow
from gateway.matching.funds import solve_funds
from gateway.matching.greedy import solve_greedy
from gateway.matching.model import (
    CostModel,
    MatchResult,
    MatchStats,
    NeedInput,
    OfferInput,
    VolunteerInput,
)
from gateway.matching.proposals import build_proposals
from services.common.clock import clock
from services.common.vocabulary import RecipientCategory

METHODS = ("optimal", "decomposed", "exact", "greedy")


def propose(
    needs: Sequence[NeedInput],
    offers: Sequence[OfferInput],
    volunteers: Sequence[VolunteerInput],
    model: CostModel = CostModel(),
    method: str = "optimal",
    now: datetime | None = None,
) -> MatchResult:
    """Propose resources for needs. Pure: no I/O; the same inputs give the same proposals."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}")
    for kind, items in (("need", needs), ("offer", offers), ("volunteer", volunteers)):
        ids = [item.id for item in items]
        if len(set(ids)) != len(ids):
            raise ValueError(f"duplicate {kind} ids: each {kind} may appear once")
    now = now or clock.now()
    started, cpu_started = time.perf_counter(), time.process_time()
    c = generate_candidates(needs, offers, volunteers, model, now)
    candidates_s = time.perf_counter() - started
    allocation, notes = solve(c, model, method)
    solve_s = time.perf_counter() - started - candidates_s
    cpu_s = time.process_time() - cpu_started
    problems = violations(c, allocation)
    if problems:  # a solver bug must never reach a station worker as a proposal
        raise AssertionError(f"infeasible allocation from {method}: {problems}")
    stats = _stats(c, allocation, method, candidates_s, solve_s, notes)
    stats.cpu_s = cpu_s
    proposals = build_proposals(c, allocation, model, now)
    return MatchResult(proposals, stats, unmet_reasons(c, {p.need_id for p in proposals}))


# Why a need has no candidate at all, by kind.
NOTHING_FITS = {
    "micro_wish": "no published offer of this item, and no fund that may pay for it, serves this region "
    "/ 本地区暂无该类物资，也没有可用于此的资金",
    "funding": "no fund that may pay for this purpose in this region has the money "
    "/ 本地区暂无可用于此用途且余额足够的资金",
    "care": "no verified volunteer with the skills, language and free time it needs serves this region "
    "/ 本地区暂无技能、语言和空闲时间相符的已认证志愿者",
}
OUTRANKED = (
    "what could meet it went to needs ranked higher (特困, waiting, deadline) / 可用资源已优先分配给更紧急的需求"
)


def unmet_reasons(c: Candidates, met: set[str]) -> dict[str, list[str]]:
    """For each need without a proposal, why: nothing could meet it, or it was outranked."""
    with_candidates: set[int] = set()
    for pairs in (c.material, c.fund, c.care):
        with_candidates.update(int(n) for n in pairs.need)
    reasons: dict[str, list[str]] = {}
    for index, need in enumerate(c.needs):
        if need.id in met:
            continue
        reasons[need.id] = [OUTRANKED if index in with_candidates else NOTHING_FITS.get(need.kind, OUTRANKED)]
    return reasons


def solve(c: Candidates, model: CostModel, method: str) -> tuple[Allocation, list[str]]:
    """Run one method on a candidate set; returns the allocation and notes on approximations."""
    notes: list[str] = []
    if c.size == 0:  # nothing could meet anything (no needs, or no resource fits one): nothing to solve
        return Allocation.zeros(c), notes
    if method == "greedy":
        return solve_greedy(c), notes
    if method == "exact" or (method == "optimal" and c.size <= model.exact_max_pairs):
        allocation, proven = solve_exact(c, model.exact_time_limit_s)
        if proven:
            return allocation, notes
        notes.append("exact MILP hit its time limit; compared with the decomposition")
        other = solve_decomposed(c, model, notes)
        best = other if objective(c, other) > objective(c, allocation) else allocation
        return best, notes
    allocation = solve_decomposed(c, model, notes)
    if method == "optimal":
        baseline = solve_greedy(c)
        if objective(c, baseline) > objective(c, allocation) + 1e-9:
            notes.append("greedy scored higher than the decomposition on this instance; greedy returned")
            allocation = baseline
    return allocation, notes


def solve_decomposed(c: Candidates, model: CostModel, notes: list[str]) -> Allocation:
    """Flow for material and care, knapsack for funds, then one exchange round (module docstring)."""
    n = len(c.needs)
    everyone = np.ones(n, dtype=bool)
    a = Allocation.zeros(c)
    a.material = solve_flow(c.material, c.units, c.value, c.offer_capacity, everyone)
    a.care = solve_flow(c.care, c.minutes, c.value, c.volunteer_capacity, everyone)
    by_material = np.bincount(c.material.need, weights=a.material, minlength=n) > 0
    a.fund = solve_funds(
        c.fund,
        c.amount,
        c.value,
        c.fund_balance,
        ~by_material,
        model.fund_exact_max_pairs,
        model.fund_time_limit_s,
        notes,
    )
    _exchange(c, a)
    return a


def _exchange(c: Candidates, a: Allocation) -> None:
    """Pay for material-met wishes from leftover fund money, then give their units to unmet wishes.

    After the knapsack no unmet fundable need fits any fund's leftover, so this money would
    otherwise stay unspent; moving a wish changes its score only by the pair adjustment.
    """
    n = len(c.needs)
    met = met_mask(c, a)
    spent = np.bincount(c.fund.res, weights=a.fund * c.amount[c.fund.need], minlength=len(c.funds))
    left = (c.fund_balance - spent).astype(np.int64)
    starved = np.zeros(len(c.materials), dtype=bool)
    unmet_material = ~met & (c.units > 0)
    starved[c.material.res[unmet_material[c.material.need]]] = True
    helps = np.bincount(c.material.need, weights=(a.material > 0) & starved[c.material.res], minlength=n) > 0
    by_material = np.bincount(c.material.need, weights=a.material, minlength=n) > 0
    lo = np.searchsorted(c.material.need, np.arange(n), "left")
    hi = np.searchsorted(c.material.need, np.arange(n), "right")
    maybe = by_material[c.fund.need] & helps[c.fund.need] & (left[c.fund.res] >= c.amount[c.fund.need])
    moved = False
    for p in np.flatnonzero(maybe).tolist():
        need, fund = int(c.fund.need[p]), int(c.fund.res[p])
        if not by_material[need] or left[fund] < c.amount[need]:
            continue
        left[fund] -= c.amount[need]
        a.fund[p] = 1
        a.material[lo[need] : hi[need]] = 0
        by_material[need] = False
        moved = True
    if moved:
        repair(c.material, a.material, c.units, c.value, c.offer_capacity, ~met_mask(c, a) & (c.units > 0))


def _stats(
    c: Candidates, a: Allocation, method: str, candidates_s: float, solve_s: float, notes: list[str]
) -> MatchStats:
    met = met_mask(c, a)
    tekun = np.array([RecipientCategory.TEKUN.value in n.categories for n in c.needs], dtype=bool)
    kinds: dict[str, int] = {}
    for i in np.flatnonzero(met).tolist():
        kinds[c.needs[i].kind] = kinds.get(c.needs[i].kind, 0) + 1
    return MatchStats(
        method=method,
        needs=len(c.needs),
        needs_met=int(met.sum()),
        value=float(c.value[met].sum()),
        objective=objective(c, a),
        candidates=c.size,
        candidates_s=candidates_s,
        solve_s=solve_s,
        met_by_kind=kinds,
        tekun_needs=int(tekun.sum()),
        tekun_met=int((tekun & met).sum()),
        notes=notes,
    )
