"""Plain inputs and outputs of the matching engine (no ORM, no HTTP, no pydantic).

The gateway turns service records into these dataclasses, calls `propose(...)`, and renders the
`Proposal`s. Codes are the shared vocabulary (`services.common.vocabulary`); money is integer
fen (cents) here because the solvers need exact integer arithmetic — convert from `Decimal` at
the boundary with `int(amount * 100)`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from services.common.vocabulary import NeedKind, OfferKind

PERIODS_PER_DAY = 3
"""Availability granularity: morning (上午), afternoon (下午), evening (晚上) of each weekday.

Stations plan visits by half-day, so a 21-bit week mask is precise enough and lets candidate
generation test overlap for a hundred thousand pairs with one vectorised `&`.
"""
ALL_WEEK = (1 << (7 * PERIODS_PER_DAY)) - 1


def week_mask(*slots: tuple[int, int]) -> int:
    """Availability mask from `(weekday 0=Mon..6=Sun, period 0=morning 1=afternoon 2=evening)` pairs."""
    mask = 0
    for weekday, period in slots:
        if not (0 <= weekday < 7 and 0 <= period < PERIODS_PER_DAY):
            raise ValueError(f"bad slot {(weekday, period)}")
        mask |= 1 << (weekday * PERIODS_PER_DAY + period)
    return mask


@dataclass(frozen=True, slots=True)
class NeedInput:
    """An open need. Which fields matter depends on `kind`:

    - `micro_wish`: `item_category` and `quantity` (units, may come from several material offers),
      `amount_fen` if a fund may pay for it instead (None: in-kind only).
    - `care`: `skills` (all required), `languages` (any one suffices; empty = any),
      `visits_per_month` x `visit_minutes`, `schedule` (week mask, 0 = any time).
    - `funding`: `amount_fen`, paid in full by one fund.
    """

    id: str
    kind: str
    region_code: str
    lat: float
    lon: float
    created_at: datetime
    categories: frozenset[str] = frozenset()
    item_category: str | None = None
    quantity: int = 1
    amount_fen: int | None = None
    skills: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    visits_per_month: int = 0
    visit_minutes: int = 0
    schedule: int = 0
    deadline: datetime | None = None

    @property
    def minutes_per_week(self) -> int:
        """Weekly volunteer time the care plan needs (months of 52/12 weeks, rounded up)."""
        return -(-self.visits_per_month * self.visit_minutes * 12 // 52)


@dataclass(frozen=True, slots=True)
class OfferInput:
    """A material offer (`available` units of `item_category`) or a fund (`balance_fen`).

    `region_prefix` is a GB/T 2260 prefix rule ("1507" serves every code under 呼伦贝尔市, "15"
    the whole region). Funds are restricted by `purposes` (need kinds it may pay for),
    `beneficiaries` (recipient categories, any one suffices) — empty means unrestricted — and
    `cap_per_need_fen` (most it pays for one need; None = no cap). `preferred_region` is the
    donor's wish (a prefix), a soft preference rewarded in the score, not a restriction.
    """

    id: str
    kind: str
    region_prefix: str
    lat: float = 0.0
    lon: float = 0.0
    item_category: str | None = None
    available: int = 0
    balance_fen: int = 0
    cap_per_need_fen: int | None = None
    purposes: frozenset[str] = frozenset()
    beneficiaries: frozenset[str] = frozenset()
    preferred_region: str | None = None

    @property
    def is_fund(self) -> bool:
        return self.kind == OfferKind.FUND


@dataclass(frozen=True, slots=True)
class VolunteerInput:
    """A volunteer with weekly room (`free_minutes_per_week`) and a travel limit from home."""

    id: str
    region_code: str
    lat: float
    lon: float
    free_minutes_per_week: int
    skills: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    availability: int = ALL_WEEK
    max_travel_km: float = 30.0


@dataclass(frozen=True, slots=True)
class Proposal:
    """One resource proposed for one need, with the score and the reasons behind it.

    `score` is the need's share of the objective: its value (priority, waiting, deadline) plus the
    pair's adjustment (distance, preferred region, language), pro-rated when several resources
    share a need (`quantity` of `quantity_needed` units, or minutes of a rota).
    """

    need_id: str
    resource_kind: str  # "offer" | "fund" | "volunteer"
    resource_id: str
    quantity: int = 0
    amount_fen: int = 0
    minutes_per_week: int = 0
    score: float = 0.0
    score_parts: dict[str, float] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)


@dataclass(slots=True)
class MatchStats:
    """Figures for the caller and the benchmark; `value` is the sum of met needs' values."""

    method: str
    needs: int
    needs_met: int
    value: float
    objective: float
    candidates: int
    candidates_s: float
    solve_s: float
    cpu_s: float = 0.0  # process CPU time of candidates + solve (wall time suffers on a busy machine)
    met_by_kind: dict[str, int] = field(default_factory=dict)
    tekun_needs: int = 0
    tekun_met: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass(slots=True)
class MatchResult:
    proposals: list[Proposal]
    stats: MatchStats
    # Why each need without a proposal has none (need id -> reasons, "english / 中文").
    unmet: dict[str, list[str]] = field(default_factory=dict)

    def met_need_ids(self) -> set[str]:
        return {p.need_id for p in self.proposals}


NEED_KINDS = (NeedKind.MICRO_WISH.value, NeedKind.CARE.value, NeedKind.FUNDING.value)


@dataclass(frozen=True, slots=True)
class CostModel:
    """Weights of the score, in points. A need's value = tier + bonuses + waiting + deadline;
    a pair's adjustment = preferred region + language - distance. The optimiser maximises the sum
    of (value + adjustment) over needs it meets in full.

    Calibration (documented in docs/matching.md): tiers are at least 15 points apart, the
    need-level extras add at most `bonus_cap + waiting_max + deadline_max` = 11 points and the
    pair adjustment spans 3.5, so between two needs of the same size competing for one resource
    a higher assistance tier (特困 > 低保 > 低边 > other) always wins; within a tier, living alone,
    disability, left-behind children, long waits and near deadlines decide.
    """

    tier_tekun: float = 100.0  # 特困供养: each tier counts double the one below
    tier_dibao: float = 50.0  # 低保
    tier_dibian: float = 25.0  # 低保边缘
    tier_other: float = 10.0
    bonus_living_alone: float = 5.0  # 独居 (an empty-nest elder living alone gets both)
    bonus_empty_nest: float = 2.0  # 空巢
    bonus_disabled: float = 5.0  # 残疾人 / 失能老人
    bonus_left_behind: float = 4.0  # 留守儿童
    bonus_child_in_hardship: float = 4.0  # 困境儿童
    bonus_cap: float = 8.0
    waiting_per_day: float = 0.015
    waiting_max: float = 1.5  # reached after 100 days
    deadline_window_days: float = 30.0  # urgency grows linearly over the last 30 days
    deadline_max: float = 1.5
    distance_per_km: float = 0.01
    distance_max: float = 2.0  # reached at 200 km; beyond that every route is equally far
    preferred_region: float = 0.5  # donor's preferred region contains the need
    language: float = 1.0  # times the share of the need's languages the volunteer speaks
    # Sparsity and solver limits (not weights): keep the best K candidates per need and
    # resource class; solve the whole problem as one exact MILP while it has at most
    # `exact_max_pairs` candidate pairs; fund knapsacks are exact per connected component up to
    # `fund_exact_max_pairs` pairs (HiGHS with a time limit), LP rounding above (funds.py).
    max_offers_per_need: int = 8
    max_funds_per_need: int = 6
    max_volunteers_per_need: int = 8
    volunteers_per_cell: int = 12  # most volunteers a need looks at in one grid cell (random subset)
    prune_jitter: float = 3.0  # random tilt when keeping K: diversity beats nearness (candidates.py)
    exact_max_pairs: int = 20_000
    exact_time_limit_s: float = 20.0
    fund_exact_max_pairs: int = 5_000
    fund_time_limit_s: float = 2.0
