"""Edges of the matching engine: nothing to match, and ids that are not unique."""

from datetime import UTC, datetime

import pytest

from gateway.matching import NeedInput, propose

NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def _need(need_id: str) -> NeedInput:
    return NeedInput(
        id=need_id, kind="micro_wish", region_code="150781001", lat=49.6, lon=117.4, created_at=NOW,
        categories=frozenset(), item_category="bedding", quantity=1, amount_fen=None, skills=frozenset(),
        languages=frozenset(), visits_per_month=0, visit_minutes=0, deadline=None,
    )  # fmt: skip


@pytest.mark.parametrize("method", ["optimal", "greedy", "exact"])
def test_no_needs_or_no_resources_propose_nothing_without_an_error(method: str) -> None:
    assert propose([], [], [], method=method, now=NOW).proposals == []
    assert propose([_need("n1")], [], [], method=method, now=NOW).proposals == []


def test_duplicate_ids_are_refused() -> None:
    with pytest.raises(ValueError, match="duplicate need ids"):
        propose([_need("n1"), _need("n1")], [], [], now=NOW)


def test_a_need_without_a_proposal_says_why() -> None:
    from gateway.matching import OfferInput

    blanket = OfferInput(
        id="o1", kind="material", region_prefix="150781", lat=49.6, lon=117.4, item_category="bedding", available=1
    )
    result = propose([_need("n1"), _need("n2"), _care("c1")], [blanket], [], now=NOW)
    assert len(result.proposals) == 1  # one blanket, two wishes for one
    (outranked,) = {"n1", "n2"} - result.met_need_ids()
    assert "ranked higher" in result.unmet[outranked][0] and "优先" in result.unmet[outranked][0]
    assert "volunteer" in result.unmet["c1"][0] and "志愿者" in result.unmet["c1"][0]
    assert set(result.unmet) == {outranked, "c1"}


def _care(need_id: str) -> NeedInput:
    return NeedInput(
        id=need_id, kind="care", region_code="150781001", lat=49.6, lon=117.4, created_at=NOW,
        skills=frozenset({"companionship"}), visits_per_month=4, visit_minutes=60,
    )  # fmt: skip
