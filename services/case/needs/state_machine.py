"""The lifecycle of a need (DESIGN.md "Need"): open → pending → matched → fulfilled → closed,
or cancelled / expired. `pending` is a reservation with an expiry; a lapsed one returns to open.
"""

from services.common.errors import InvalidTransition
from services.common.vocabulary import NeedState

N = NeedState

ALLOWED: dict[NeedState, frozenset[NeedState]] = {
    N.OPEN: frozenset({N.PENDING, N.CANCELLED, N.EXPIRED}),
    N.PENDING: frozenset({N.OPEN, N.MATCHED, N.CANCELLED}),
    # matched -> open undoes a match whose resource could not be committed (try-confirm-cancel).
    N.MATCHED: frozenset({N.FULFILLED, N.CANCELLED, N.OPEN}),
    N.FULFILLED: frozenset({N.CLOSED}),
    N.CLOSED: frozenset(),
    N.CANCELLED: frozenset(),
    N.EXPIRED: frozenset(),
}


def ensure_allowed(current: NeedState, target: NeedState) -> None:
    if target not in ALLOWED[current]:
        raise InvalidTransition(
            f"A need that is {current.value} cannot become {target.value}.",
            f"状态为「{current.label}」的需求不能变为「{target.label}」。",
            current_state=current.value,
            allowed=sorted(s.value for s in ALLOWED[current]),
        )
