"""Turn an allocation into `Proposal`s a station worker can read: score, its parts, reasons.

The parts are recomputed with the same scoring functions the solvers used and pro-rated by the
pair's share of the need (1 unless several offers or a volunteer rota share it), so
`sum(score_parts.values()) == score`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import numpy as np

from gateway.matching.allocation import Allocation
from gateway.matching.candidates import Candidates, Pairs
from gateway.matching.model import CostModel, OfferInput, Proposal, VolunteerInput
from gateway.matching.scoring import need_reasons, pair_adjustments, pair_reasons

_KINDS = (("material", "offer"), ("fund", "fund"), ("care", "volunteer"))


def build_proposals(c: Candidates, a: Allocation, model: CostModel, now: datetime) -> list[Proposal]:
    """One proposal per (need, resource) that the allocation uses, ordered by need then score."""
    out: list[Proposal] = []
    for attr, resource_kind in _KINDS:
        pairs: Pairs = getattr(c, attr)
        flow: np.ndarray = getattr(a, attr)
        resources: Sequence[OfferInput] | Sequence[VolunteerInput] = (
            c.materials if attr == "material" else c.funds if attr == "fund" else c.volunteers
        )
        used = np.flatnonzero(flow > 0)
        if not len(used):
            continue
        preferred = np.array(
            [
                bool(getattr(resources[int(pairs.res[p])], "preferred_region", None))
                and c.needs[int(pairs.need[p])].region_code.startswith(
                    getattr(resources[int(pairs.res[p])], "preferred_region", "") or ""
                )
                for p in used
            ]
        )
        _, pair_parts = pair_adjustments(
            pairs.distance_km[used] if attr != "fund" else np.zeros(len(used)),
            preferred,
            pairs.language_share[used],
            model,
        )
        for j, p in enumerate(used.tolist()):
            n = int(pairs.need[p])
            need = c.needs[n]
            resource = resources[int(pairs.res[p])]
            demand = {"material": c.units[n], "fund": 1, "care": c.minutes[n]}[attr]
            share = float(flow[p]) / float(max(demand, 1))
            parts = {name: float(values[n]) * share for name, values in c.value_parts.items()}
            parts.update({name: float(values[j]) * share for name, values in pair_parts.items()})
            parts = {k: round(v, 6) for k, v in parts.items()}
            reasons = need_reasons(need, parts, now)
            distance = float(pairs.distance_km[p]) if attr != "fund" else None
            languages = frozenset(need.languages & getattr(resource, "languages", frozenset()))
            reasons += pair_reasons(distance, parts, languages)
            out.append(
                Proposal(
                    need_id=need.id,
                    resource_kind=resource_kind,
                    resource_id=resource.id,
                    quantity=int(flow[p]) if attr == "material" else 0,
                    amount_fen=int(c.amount[n]) if attr == "fund" else 0,
                    minutes_per_week=int(flow[p]) if attr == "care" else 0,
                    score=round(sum(parts.values()), 6),
                    score_parts=parts,
                    reasons=reasons,
                )
            )
    out.sort(key=lambda p: (p.need_id, -p.score))
    return out
