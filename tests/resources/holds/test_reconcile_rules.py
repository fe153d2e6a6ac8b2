"""Which holds the resources reconciler leaves alone: the ones their need still names."""

import uuid

import pytest

from services.resources.holds.reconcile import _names

HOLD = uuid.uuid4()
OURS = f"hold:{HOLD}"


@pytest.mark.parametrize(
    ("need", "hold_state", "named"),
    [
        ({"state": "matched", "matched_reference": OURS}, "committed", True),
        ({"state": "fulfilled", "matched_reference": OURS}, "committed", True),
        # committed before the need was confirmed (the demo seeder's order): still reserved for it
        ({"state": "pending", "pending_reference": OURS}, "committed", True),
        ({"state": "pending", "pending_reference": "hold:other"}, "committed", False),
        ({"state": "open"}, "committed", False),
        ({"state": "cancelled", "matched_reference": OURS}, "committed", False),
        ({"state": "pending", "pending_reference": OURS}, "held", True),
        ({"state": "open"}, "held", False),
    ],
)
def test_a_hold_is_left_alone_exactly_while_its_need_names_it(need: dict, hold_state: str, named: bool) -> None:
    assert _names(need, HOLD, hold_state) is named
