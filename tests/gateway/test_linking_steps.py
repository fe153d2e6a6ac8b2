"""The one decision table of linking (gateway.linking.next_step), row by row.

The saga and the reconcilers act on this table; every pair of states a crash, a lost answer or a
concurrent copy can leave must lead to agreement, and no row may take a step that undoes a
committed hold or matches a need to a lapsed one.
"""

import itertools
import uuid
from datetime import UTC, datetime

import pytest

from gateway.linking import Hold, Need, Step, next_step
from services.common.clock import clock
from services.common.vocabulary import NeedState

HOLD_ID = uuid.UUID(int=1)
OURS = f"hold:{HOLD_ID}"


def need(state: str, pending: str | None = None, matched: str | None = None) -> Need:
    """A need as the case service answers it (only what the table reads is set)."""
    return Need.model_construct(state=NeedState(state), pending_reference=pending, matched_reference=matched, parts=[])


def hold(state: str, expires_at: datetime | None = None) -> Hold:
    return Hold.model_construct(id=HOLD_ID, state=state, expires_at=expires_at)


@pytest.mark.parametrize(
    ("need_state", "hold_state", "owns", "step"),
    [
        (need("open"), "held", True, Step.RESERVE),
        (need("pending", pending=OURS), "held", True, Step.CONFIRM),
        (need("matched", matched=OURS), "held", True, Step.COMMIT),
        (need("matched", matched=OURS), "committed", True, Step.DONE),
        (need("fulfilled", matched=OURS), "delivered", True, Step.DONE),
        (need("matched", matched=OURS), "expired", True, Step.UNDO_NEED),
        (need("pending", pending=OURS), "released", True, Step.UNDO_NEED),
        (need("pending", pending="hold:other"), "held", True, Step.RELEASE_HOLD),
        (need("matched", matched="hold:other"), "committed", True, Step.RELEASE_HOLD),
        (need("pending", pending="hold:other"), "held", False, Step.REFUSE_NOT_OPEN),
        (need("open"), "expired", True, Step.REFUSE_LAPSED),
        (need("cancelled"), "released", True, Step.REFUSE_NOT_OPEN),
    ],
)
def test_each_row(need_state: Need, hold_state: str, owns: bool, step: Step) -> None:
    assert next_step(need_state, hold(hold_state), owns_hold=owns) is step


def test_a_held_hold_past_its_expiry_counts_as_lapsed_before_the_expiry_job_marks_it() -> None:
    overdue = hold("held", datetime(2026, 1, 1, tzinfo=UTC))
    with clock.frozen(datetime(2026, 1, 1, 0, 0, 1, tzinfo=UTC)):
        assert next_step(need("matched", matched=OURS), overdue, owns_hold=True) is Step.UNDO_NEED
        assert next_step(need("open"), overdue, owns_hold=True) is Step.REFUSE_LAPSED
    with clock.frozen(datetime(2025, 12, 31, 23, 59, tzinfo=UTC)):
        assert next_step(need("matched", matched=OURS), overdue, owns_hold=True) is Step.COMMIT


NEEDS = [
    need("open"),
    need("pending", pending=OURS),
    need("pending", pending="hold:other"),
    need("matched", matched=OURS),
    need("matched", matched="hold:other"),
    need("fulfilled", matched=OURS),
    need("cancelled"),
]
HOLD_STATES = ["held", "committed", "delivered", "expired", "released"]


@pytest.mark.parametrize(("need_state", "hold_state"), list(itertools.product(NEEDS, HOLD_STATES)))
def test_no_row_undoes_a_committed_hold_or_matches_a_lapsed_one(need_state: Need, hold_state: str) -> None:
    step = next_step(need_state, hold(hold_state), owns_hold=True)
    ours = OURS in (need_state.pending_reference, need_state.matched_reference)
    if hold_state in ("committed", "delivered") and ours:
        assert step in (Step.DONE, Step.CONFIRM)  # never release stock its need still names
    if hold_state in ("expired", "released"):
        assert step not in (Step.RESERVE, Step.CONFIRM, Step.COMMIT)  # never build on a lapsed hold
    if not ours and need_state.state != "open":
        assert step not in (Step.CONFIRM, Step.COMMIT, Step.UNDO_NEED)  # never touch another link's need
