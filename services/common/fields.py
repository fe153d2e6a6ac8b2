"""Field types every service validates at its edge, so bad input is a 422 with a reason, never a 500.

Times: an instant must carry an offset (naive times are refused: nobody can tell which clock they
were read from), is stored and sent as UTC, and lies in a window that makes sense for the field —
what already happened (consent, a check-in, a visit) is not in the future, what is planned (a
deadline, an activity, a reservation) is not further ahead than the planning horizon, and nothing
is before 1900. An offset that overflows (``9999-12-31T23:59:59-14:00``) is a 422 as well.
"""

from datetime import UTC, date, datetime, timedelta
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, Field

from services.common.clock import clock
from services.common.settings import get_settings

EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)  # far enough for any plan, near enough for arithmetic
EARLIEST_DATE = EARLIEST.date()
CLOCK_SKEW = timedelta(minutes=5)  # a device's clock a little ahead of ours is not "the future"


def _utc(value: datetime) -> datetime:
    try:
        converted = value.astimezone(UTC)
    except (OverflowError, ValueError) as exc:
        raise ValueError("time out of range / 时间超出范围") from exc
    if converted < EARLIEST:
        raise ValueError("time is before 1900 / 时间不能早于1900年")
    if converted >= LATEST:
        raise ValueError("time is after 2199 / 时间不能晚于2199年")
    return converted


def _horizon() -> timedelta:
    return timedelta(days=get_settings().planning_horizon_days)


def _not_beyond_horizon(value: datetime) -> datetime:
    value = _utc(value)
    if value > clock.now() + _horizon():
        days = _horizon().days
        raise ValueError(f"time is more than {days} days ahead / 时间不能晚于{days}天之后")
    return value


def _happened(value: datetime) -> datetime:
    value = _utc(value)
    if value > clock.now() + CLOCK_SKEW:
        raise ValueError("time is in the future / 时间不能晚于现在")
    return value


def _past_date(value: date) -> date:
    if value < EARLIEST_DATE:
        raise ValueError("date is before 1900 / 日期不能早于1900年")
    if value > clock.today():
        raise ValueError("date is in the future (Beijing time) / 日期不能晚于今天（北京时间）")
    return value


def _planned_date(value: date) -> date:
    if value < EARLIEST_DATE:
        raise ValueError("date is before 1900 / 日期不能早于1900年")
    if value > clock.today() + _horizon():
        days = _horizon().days
        raise ValueError(f"date is more than {days} days ahead / 日期不能晚于{days}天之后")
    return value


_AWARE = "ISO 8601 with an offset, e.g. 2026-12-01T09:30:00+08:00; sent back in UTC"

Instant = Annotated[AwareDatetime, AfterValidator(_utc), Field(description=_AWARE)]
"""Any aware instant from 1900 to 2199 (a query's bounds, a period, an offer's validity)."""

PastInstant = Annotated[AwareDatetime, AfterValidator(_happened), Field(description=_AWARE + "; not in the future")]
"""Something that already happened: consent given, a check-in, a visit."""

PlannedInstant = Annotated[
    AwareDatetime,
    AfterValidator(_not_beyond_horizon),
    Field(description=_AWARE + "; within the planning horizon"),
]
"""Something planned: a deadline, an activity's start and end, a reservation's lapse."""

PastDate = Annotated[date, AfterValidator(_past_date), Field(description="A Beijing calendar date, not in the future")]
"""A birth date, the day a service was given."""

PlannedDate = Annotated[date, AfterValidator(_planned_date), Field(description="A Beijing calendar date")]
"""A project's or a care schedule's first and last day."""
