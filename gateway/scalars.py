"""The GraphQL `DateTime` the API speaks: ISO 8601 in UTC with a `Z`, as REST sends it; offsets required.

Strawberry's built-in scalar sends `+00:00` and takes naive times; ours answers with the one form
(`services.common.clock.iso_utc`) and refuses a time without an offset as a coercion error (a
GraphQL validation error with a code), and an offset that overflows the same way.
"""

import datetime as dt

import strawberry
from strawberry.schema.types.base_scalars import wrap_parser
from strawberry.types.scalar import ScalarDefinition

from services.common.clock import iso_utc


def parse_aware(value: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(value)
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a time needs an offset, e.g. 2026-12-01T09:30:00+08:00 / 时间须带时区")
    try:
        return moment.astimezone(dt.UTC)
    except OverflowError as exc:
        raise ValueError("time out of range / 时间超出范围") from exc


UtcDateTime: ScalarDefinition = strawberry.scalar(
    name="DateTime",
    description="An instant: ISO 8601 with an offset; answered in UTC, e.g. 2026-12-01T01:30:00Z",
    serialize=iso_utc,
    parse_value=wrap_parser(parse_aware, "DateTime"),
)
