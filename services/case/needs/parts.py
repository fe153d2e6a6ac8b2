"""What a need still lacks, and a funding need met in parts (docs/decisions.md, "Books").

A micro-wish is met whole by one hold of at most its quantity. A funding need may be met by
several holds: each confirmed hold is a *part* kept on the need (`Need.parts`); the need opens
again for the remainder after every part but the last, and the part that completes the amount
matches it (`matched_reference` names that last part). Parts are read and changed only with the
need locked, so two confirmations never count the same remainder twice.
"""

from decimal import Decimal

from services.case.models import Need
from services.common.errors import Conflict
from services.common.vocabulary import NeedKind, NeedState

ZERO = Decimal("0.00")
# States in which a need still takes holds (pending: a retried try of the reservation's own link).
TAKES_HOLDS = (NeedState.OPEN.value, NeedState.PENDING.value)
# States in which a need's parts still count (a fulfilled need's parts were paid out).
LIVE_STATES = (NeedState.OPEN.value, NeedState.PENDING.value, NeedState.MATCHED.value)


class ExceedsNeed(Conflict):
    code = "EXCEEDS_NEED"


def references(need: Need) -> list[str]:
    return [part["reference"] for part in need.parts or []]


def funded(need: Need) -> Decimal:
    return sum((Decimal(part["amount"]) for part in need.parts or []), ZERO)


def lacking_amount(need: Need) -> Decimal | None:
    """Yuan a funding need still lacks (None for other kinds)."""
    if need.kind != NeedKind.FUNDING.value or need.amount is None:
        return None
    return max(need.amount - funded(need), ZERO)


def lacking_quantity(need: Need) -> int | None:
    """Units a micro-wish still lacks: all of them until it is matched (None for other kinds)."""
    if need.kind != NeedKind.MICRO_WISH.value or need.quantity is None:
        return None
    return need.quantity if need.state in TAKES_HOLDS else 0


def lacking_text(need: Need) -> str:
    """The figure a hold may not exceed, as the need ticket carries it ("" for a care need)."""
    amount, quantity = lacking_amount(need), lacking_quantity(need)
    if amount is not None:
        return str(amount)
    return "" if quantity is None else str(quantity)


def add_part(need: Need, reference: str, amount: Decimal | None) -> bool:
    """Record a part of a funding need; True when it completes the amount. Without an amount the part
    is the whole remainder (callers from before parts existed)."""
    lacking = lacking_amount(need)
    assert lacking is not None
    size = lacking if amount is None else amount
    if size > lacking or size <= ZERO:
        raise ExceedsNeed(
            f"The need lacks {lacking} yuan; a part of {size} is too much.",
            f"该需求尚缺 {lacking} 元，{size} 元超出所需。",
            lacking=str(lacking),
        )
    need.parts = [*(need.parts or []), {"reference": reference, "amount": str(size)}]
    return size == lacking


def remove_part(need: Need, reference: str) -> bool:
    """Drop the part of this reference (its hold lapsed or was released); True if there was one."""
    kept = [part for part in need.parts or [] if part["reference"] != reference]
    if len(kept) == len(need.parts or []):
        return False
    need.parts = kept
    return True
