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
