"""Field types every service validates at its edge, so bad input is a 422 with a reason, never a 500.

Times: an instant must carry an offset (naive times are refused: nobody can tell which clock they
were read from), is stored and sent as UTC, and lies in a window that makes sense for the field —
what already happened (consent, a check-in, a visit) is not in the future, what is planned (a
deadline, an activity, a reservation) is not further ahead than the planning horizon, and nothing
is before 1900. An offset that overflows (``9999-12-31T23:59:59-14:00``) is a 422 as well.

Text: one rule for every free-text field (`StorableText`): no NUL or other control character
(PostgreSQL cannot store NUL, and nobody can read the rest), valid Unicode, bounded length.
One-line text is stripped and refuses tab and line breaks; multi-line text keeps them.

Codes and numbers: clock times, weekdays, phone and ID numbers, fund purposes. Money lives in
`services.common.money`, region codes in `services.common.regions`.

Request bodies derive from `Payload`: an unknown field is a 422, never silently dropped.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    WithJsonSchema,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

from services.common.clock import clock
from services.common.personal_data import ID_NUMBER_PATTERN, PHONE_PATTERN, is_valid_id_number, is_valid_phone
from services.common.settings import get_settings
from services.common.vocabulary import ItemCategory, NeedKind

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


# --- Request bodies ---------------------------------------------------------------------------------


class Payload(BaseModel):
    """A request body (or a part of one): an unknown field is a 422, never silently dropped."""

    model_config = ConfigDict(extra="forbid")


# --- Text -------------------------------------------------------------------------------------------

_ONE_LINE_CONTROL = r"\x00-\x1f\x7f-\x9f"  # every C0 and C1 control character
_MULTILINE_CONTROL = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # the same but tab, line feed, return
_CONTROL = {False: re.compile(f"[{_ONE_LINE_CONTROL}]"), True: re.compile(f"[{_MULTILINE_CONTROL}]")}
_SURROGATE = re.compile("[\ud800-\udfff]")


def check_storable(value: str, *, multiline: bool = True) -> str:
    """`value` unchanged, or a bilingual ValueError for NUL, another control character (tab, line
    feed and return pass in multi-line text) or a lone surrogate. The rule of `StorableText`, for
    text that arrives some other way (a sheet's cell)."""
    found = _CONTROL[multiline].search(value)
    if found is not None:
        if found.group() == "\x00":
            raise ValueError("text may not contain NUL characters / 文本不能包含空字符")
        code = f"U+{ord(found.group()):04X}"
        raise ValueError(f"text may not contain control characters ({code}) / 文本不能包含控制字符（{code}）")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("text must be valid Unicode / 文本须为有效的 Unicode") from exc
    return value


def without_control(value: str) -> str:
    """`value` with every control character but tab and line breaks shown as U+FFFD: for echoing bad input back."""
    return _SURROGATE.sub("\ufffd", _CONTROL[True].sub("\ufffd", value))


@dataclass(frozen=True)
class StorableText:
    """The one rule for free text, as `Annotated[str, StorableText(...)]`: storable, readable, bounded.

    Refuses NUL and every other control character, lone surrogates (no UTF-8 for them) and more
    than `max_length` characters. One-line text also refuses tab and line breaks and is stripped
    (unless `strip=False`, for identifiers compared as they are); multi-line text keeps both.
    `min_length` counts what is left without surrounding whitespace, so 1 means "not blank".
    Messages are bilingual; the JSON schema states the bounds and the characters allowed.
    """

    max_length: int
    min_length: int = 0
    multiline: bool = False
    strip: bool = True

    def validate(self, value: str) -> str:
        check_storable(value, multiline=self.multiline)
        if self.strip and not self.multiline:
            value = value.strip()
        if len(value.strip()) < self.min_length:
            if self.min_length == 1:
                raise ValueError("text may not be empty / 文本不能为空")
            raise ValueError(f"text needs at least {self.min_length} characters / 文本不能少于{self.min_length}个字符")
        if len(value) > self.max_length:
            raise ValueError(f"text has more than {self.max_length} characters / 文本不能超过{self.max_length}个字符")
        return value

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_after_validator_function(self.validate, handler(source))

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        json_schema = handler(schema)
        control = _MULTILINE_CONTROL if self.multiline else _ONE_LINE_CONTROL
        json_schema.update(maxLength=self.max_length, pattern=f"^[^{control}]*$")
        if self.min_length:
            json_schema["minLength"] = self.min_length
        return json_schema


ShortText = Annotated[str, StorableText(200, min_length=1)]
"""A title, a name of a thing, a place, a reference: one line, not blank, at most 200 characters."""

PersonName = Annotated[str, StorableText(100, min_length=1)]
"""A person's name (or who gave consent): one line, not blank, at most 100 characters."""

Address = Annotated[str, StorableText(300)]
"""A postal address: one line, at most 300 characters, may be empty."""

Note = Annotated[str, StorableText(2000, multiline=True)]
"""A note, a reason, an outcome: several lines, at most 2,000 characters, may be empty."""

LongText = Annotated[str, StorableText(4000, multiline=True)]
"""A description or a case summary: several lines, at most 4,000 characters, may be empty."""

Subject = Annotated[str, StorableText(200, min_length=1, strip=False)]
"""A token's `sub`: not blank, at most 200 characters (the width it is stored in), kept as it is."""


# --- Codes and numbers --------------------------------------------------------------------------


def _matches(pattern: str, message: str) -> AfterValidator:
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise ValueError(message)
        return value

    return AfterValidator(check)


_CLOCK_TIME = r"([01][0-9]|2[0-3]):[0-5][0-9]"
ClockTime = Annotated[
    str,
    _matches(_CLOCK_TIME, "a time of day is HH:MM, 00:00 to 23:59 / 时间须为 HH:MM 格式（00:00 至 23:59）"),
    WithJsonSchema({"type": "string", "pattern": f"^{_CLOCK_TIME}$", "examples": ["15:00"]}),
]
"""A local time of day, "HH:MM"."""

_WINDOW_END = rf"({_CLOCK_TIME}|24:00)"
WindowEnd = Annotated[
    str,
    _matches(_WINDOW_END, "an end time is HH:MM, up to 24:00 / 结束时间须为 HH:MM 格式（不晚于 24:00）"),
    WithJsonSchema({"type": "string", "pattern": f"^{_WINDOW_END}$", "examples": ["17:00"]}),
]
"""The end of a window in a day: "HH:MM", or "24:00" for midnight at the end of the day."""

Weekday = Annotated[int, Field(ge=1, le=7, description="ISO weekday: 1 = Monday … 7 = Sunday")]


def _phone(value: str) -> str:
    value = value.strip()
    if not is_valid_phone(value):
        raise ValueError("not a mainland mobile or landline number / 电话号码格式错误")
    return value


PhoneNumber = Annotated[
    str,
    AfterValidator(_phone),
    WithJsonSchema({"type": "string", "maxLength": 20, "pattern": PHONE_PATTERN, "examples": ["13812345678"]}),
]
"""A mainland mobile number or a landline with its area code (ASCII digits)."""


def _id_number(value: str) -> str:
    value = value.strip().upper()
    if not is_valid_id_number(value):
        raise ValueError("invalid resident ID number (GB 11643 check digit) / 身份证号码无效")
    return value


IdNumber = Annotated[
    str,
    AfterValidator(_id_number),
    WithJsonSchema({"type": "string", "pattern": ID_NUMBER_PATTERN, "examples": ["11010519491231002X"]}),
]
"""An 18-character resident ID number (GB 11643), sent back upper-case."""


def _known_purpose(value: str) -> str:
    if value not in ItemCategory.labels() and value not in NeedKind.labels():
        raise ValueError("purpose must be an item category or a need kind / 用途须为物资类别或需求类型")
    return value


FundPurpose = Annotated[
    str,
    AfterValidator(_known_purpose),
    WithJsonSchema({"type": "string", "enum": sorted({*ItemCategory.labels(), *NeedKind.labels()})}),
]
"""What a fund's money may go to: an item category or a need kind."""
