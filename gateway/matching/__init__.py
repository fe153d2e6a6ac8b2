"""The matching engine (issue #7): pure, importable, no HTTP inside the algorithm.

`propose(needs, offers, volunteers, model=CostModel(), method="optimal", now=...)` returns a
`MatchResult` of `Proposal`s with the parts of each score. See docs/matching.md.
"""

from gateway.matching.engine import METHODS, propose
from gateway.matching.model import (
    ALL_WEEK,
    CostModel,
    MatchResult,
    MatchStats,
    NeedInput,
    OfferInput,
    Proposal,
    VolunteerInput,
    week_mask,
)

__all__ = [
    "ALL_WEEK",
    "METHODS",
    "CostModel",
    "MatchResult",
    "MatchStats",
    "NeedInput",
    "OfferInput",
    "Proposal",
    "VolunteerInput",
    "propose",
    "week_mask",
]
