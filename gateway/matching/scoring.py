"""The cost model: what a met need is worth and how good a particular resource is for it.

Everything is vectorised over numpy arrays because candidate generation scores millions of
pairs; `explain` re-runs the same functions on one pair so the parts a station worker reads are
exactly the numbers the optimiser used.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import numpy as np

from gateway.matching.model import CostModel, NeedInput
from services.common.vocabulary import Language, RecipientCategory

EARTH_RADIUS_KM = 6371.0088

TIERS: tuple[tuple[str, str, str], ...] = (
    (RecipientCategory.TEKUN.value, "tier_tekun", "特困 priority / 特困优先"),
    (RecipientCategory.DIBAO.value, "tier_dibao", "低保 priority / 低保优先"),
    (RecipientCategory.DIBIAN.value, "tier_dibian", "低边 priority / 低边优先"),
)
BONUSES: tuple[tuple[str, str, str], ...] = (
    (RecipientCategory.LIVING_ALONE.value, "bonus_living_alone", "lives alone / 独居"),
    (RecipientCategory.EMPTY_NEST.value, "bonus_empty_nest", "empty nest / 空巢"),
    (RecipientCategory.DISABLED.value, "bonus_disabled", "disability / 残疾"),
    (RecipientCategory.DISABLED_ELDERLY.value, "bonus_disabled", "disabled elder / 失能老人"),
    (RecipientCategory.LEFT_BEHIND.value, "bonus_left_behind", "left-behind child / 留守儿童"),
    (RecipientCategory.CHILD_IN_HARDSHIP.value, "bonus_child_in_hardship", "child in hardship / 困境儿童"),
)


def haversine_km(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """Great-circle distance; roads in the grassland are rarely straight, but ranking is what counts."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2) - np.radians(lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def priority_points(categories: frozenset[str], model: CostModel) -> float:
    """Assistance tier (the highest one the recipient holds) plus capped vulnerability bonuses."""
    tier = model.tier_other
    for code, attr, _ in TIERS:
        if code in categories:
            tier = getattr(model, attr)
            break
    bonus_attrs = {attr for code, attr, _ in BONUSES if code in categories}
    bonus = sum(getattr(model, attr) for attr in bonus_attrs)
    return tier + min(bonus, model.bonus_cap)


def need_values(
    needs: Sequence[NeedInput], model: CostModel, now: datetime
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Value of meeting each need in full, and its parts (priority, waiting, deadline)."""
    cache: dict[frozenset[str], float] = {}
    priority = np.empty(len(needs))
    waiting_days = np.empty(len(needs))
    days_left = np.full(len(needs), np.inf)
    for i, need in enumerate(needs):
        points = cache.get(need.categories)
        if points is None:
            points = cache[need.categories] = priority_points(need.categories, model)
        priority[i] = points
        waiting_days[i] = (now - need.created_at).total_seconds() / 86400.0
        if need.deadline is not None:
            days_left[i] = (need.deadline - now).total_seconds() / 86400.0
    waiting = np.minimum(np.maximum(waiting_days, 0.0) * model.waiting_per_day, model.waiting_max)
    urgency = np.clip(1.0 - days_left / model.deadline_window_days, 0.0, 1.0) * model.deadline_max
    parts = {"priority": priority, "waiting": waiting, "deadline": urgency}
    return priority + waiting + urgency, parts


def pair_adjustments(
    distance_km: np.ndarray, preferred: np.ndarray, language_share: np.ndarray, model: CostModel
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """How much better (+) or worse (-) this particular resource is for the need."""
    distance = -np.minimum(distance_km * model.distance_per_km, model.distance_max)
    preferred_points = preferred.astype(float) * model.preferred_region
    language_points = language_share * model.language
    parts = {"distance": distance, "preferred_region": preferred_points, "language": language_points}
    return distance + preferred_points + language_points, parts


def need_reasons(need: NeedInput, parts: dict[str, float], now: datetime) -> list[str]:
    """Short bilingual phrases for the need-level parts of a score."""
    reasons = [label for code, _, label in TIERS if code in need.categories][:1]
    reasons += [label for code, _, label in BONUSES if code in need.categories]
    days = int((now - need.created_at).total_seconds() // 86400)
    if parts.get("waiting", 0.0) > 0 and days > 0:
        reasons.append(f"waited {days} days / 已等待{days}天")
    if parts.get("deadline", 0.0) > 0 and need.deadline is not None:
        left = max(0, int((need.deadline - now).total_seconds() // 86400))
        reasons.append(f"deadline in {left} days / {left}天内截止")
    return reasons


def pair_reasons(distance_km: float | None, parts: dict[str, float], languages: frozenset[str]) -> list[str]:
    """Short bilingual phrases for the pair-level parts of a score."""
    reasons: list[str] = []
    if distance_km is not None:
        reasons.append(f"{distance_km:.0f} km away / 距离{distance_km:.0f}公里")
    if parts.get("preferred_region", 0.0) > 0:
        reasons.append("donor's preferred region / 捐赠方意向地区")
    if parts.get("language", 0.0) > 0:
        names = Language.labels()
        labels = "、".join(names.get(code, code) for code in sorted(languages))
        reasons.append(f"speaks {'/'.join(sorted(languages))} / 会说{labels}")
    return reasons
