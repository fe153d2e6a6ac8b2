"""The one clock. Every "now" in Wushe — services, gateway, matching inputs, demo, CLI — comes from here.

Stored and sent times are timezone-aware UTC; people see Beijing time (Asia/Shanghai, which has had
no daylight saving since 1991). The wall clock is read in exactly one place, `Clock.now`; a test
scans the tree for any other read.

A process's clock can be shifted (``WUSHE_CLOCK_SHIFT_S``: run the whole stack as if it were another
day) or frozen (``WUSHE_CLOCK_FROZEN_AT``) by settings, and tests freeze or shift it in-process with
`clock.frozen(...)` and `clock.shifted(...)`, which win over what settings say.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from services.common.settings import Settings

BEIJING = ZoneInfo("Asia/Shanghai")
"""The time zone people read: exports, certificates, statistics periods, messages, CLI tables."""


class Clock:
    """Aware UTC "now", with an optional shift or a fixed instant (settings first, tests over them)."""

    def __init__(self) -> None:
        self._shift = timedelta(0)
        self._fixed: datetime | None = None
        self._test_shift: timedelta | None = None
        self._test_fixed: datetime | None = None

    def configure(self, settings: Settings) -> None:
        """Take the shift or frozen instant that settings name (the default is the wall clock)."""
        self._shift = timedelta(seconds=settings.clock_shift_s)
        self._fixed = _aware_utc(settings.clock_frozen_at) if settings.clock_frozen_at else None

    def now(self) -> datetime:
        fixed = self._test_fixed or self._fixed
        if fixed is not None:
            return fixed
        shift = self._shift if self._test_shift is None else self._test_shift
        return _wall_clock() + shift

    def today(self) -> date:
        """Today's date in Beijing: the date a station writes on a form."""
        return self.now().astimezone(BEIJING).date()

    @contextmanager
    def frozen(self, at: datetime) -> Iterator[datetime]:
        """Stop the clock at `at` (aware) for the block."""
        previous = self._test_fixed
        self._test_fixed = _aware_utc(at)
        try:
            yield self._test_fixed
        finally:
            self._test_fixed = previous

    @contextmanager
    def shifted(self, to: datetime) -> Iterator[timedelta]:
        """Let the clock run from `to` (aware) for the block, as if the wall clock were set there."""
        previous = self._test_shift
        self._test_shift = shift_to(to)
        try:
            yield self._test_shift
        finally:
            self._test_shift = previous


clock = Clock()


def _wall_clock() -> datetime:
    return datetime.now(UTC)  # the one read of the wall clock in the whole tree


def shift_to(moment: datetime) -> timedelta:
    """The shift that makes the wall clock read `moment` now (for ``WUSHE_CLOCK_SHIFT_S``)."""
    return _aware_utc(moment) - _wall_clock()


def _aware_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("the clock takes aware times only")
    return moment.astimezone(UTC)


def beijing(moment: datetime) -> datetime:
    """The same instant on Beijing's wall clock."""
    return moment.astimezone(BEIJING)


def beijing_text(moment: datetime | None, *, seconds: bool = False) -> str:
    """How a person reads an instant: ``2026-12-01 18:44`` in Beijing time ("" for none)."""
    if moment is None:
        return ""
    return beijing(moment).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def iso_utc(moment: datetime) -> str:
    """The API's one form of an instant: ISO 8601 in UTC with a ``Z`` (as REST and GraphQL both send)."""
    text = _aware_utc(moment).isoformat()
    return text.removesuffix("+00:00") + "Z"


def beijing_midnight(day: date) -> datetime:
    """The instant a Beijing calendar day starts."""
    return datetime.combine(day, time(0), BEIJING)


def beijing_week(moment: datetime) -> tuple[datetime, datetime]:
    """The Monday-to-Monday week, in Beijing time, that `moment` falls in."""
    local = beijing(moment).date()
    monday = beijing_midnight(local - timedelta(days=local.isoweekday() - 1))
    return monday, monday + timedelta(days=7)


def beijing_month(moment: datetime) -> tuple[datetime, datetime]:
    """The calendar month, in Beijing time, that `moment` falls in: [first day, first day of the next)."""
    local = beijing(moment).date()
    first = local.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return beijing_midnight(first), beijing_midnight(following)
