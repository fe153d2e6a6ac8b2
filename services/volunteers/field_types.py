"""Field types the volunteers API validates at the edge, so bad input is a 422, never a 500.

Generic enough for services/common, kept here because the kernel must not be edited from this
service: text that PostgreSQL can store (no NUL, valid UTF-8) and "HH:MM" clock times (times
are the kernel's: services/common/fields.py).
"""

from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints


def _storable(value: str) -> str:
    if "\x00" in value:
        raise ValueError("text may not contain NUL characters / 文本不能包含空字符")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("text must be valid Unicode / 文本须为有效的 Unicode") from exc
    return value


ShortText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(_storable),
]
LongText = Annotated[str, StringConstraints(max_length=4000), AfterValidator(_storable)]
ClockTime = Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", examples=["15:00"])]
WindowEnd = Annotated[str, Field(pattern=r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$", examples=["17:00"])]
Weekday = Annotated[int, Field(ge=1, le=7, description="ISO weekday: 1 = Monday … 7 = Sunday")]
