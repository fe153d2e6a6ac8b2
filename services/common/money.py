"""Money is Decimal yuan with two places, never float; quantities are integers.

A JSON float is refused (0.1 + 0.2 must stay 0.30): money travels as a string such as "12.50".
One entry is at most 1亿 yuan, which keeps every sum inside numeric(14,2).
"""

from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, PlainSerializer

MAX_ENTRY = Decimal("100000000.00")


def _refuse_float(value: Any) -> Any:
    if isinstance(value, float):
        raise ValueError('money must be a JSON string such as "12.50", never a float / 金额须为字符串')
    return value


def _two_places(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


Yuan = Annotated[
    Decimal,
    BeforeValidator(_refuse_float),
    Field(ge=Decimal("0"), le=MAX_ENTRY, decimal_places=2, examples=["89.90"]),
]
"""An amount that may be zero (an estimate)."""

PositiveYuan = Annotated[
    Decimal,
    BeforeValidator(_refuse_float),
    Field(gt=Decimal("0"), le=MAX_ENTRY, decimal_places=2, examples=["12.50"]),
]
"""An amount that moves money: a donation, a disbursement, a fund's opening balance, a request."""

SignedYuan = Annotated[
    Decimal,
    BeforeValidator(_refuse_float),
    Field(ge=-MAX_ENTRY, le=MAX_ENTRY, decimal_places=2, examples=["-3.00"]),
]
"""A correction of the books, either way."""

YuanOut = Annotated[Decimal, PlainSerializer(_two_places, return_type=str, when_used="json")]
"""Money in a response: always a string with two places."""

Quantity = Annotated[int, Field(ge=1, le=1_000_000)]
