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


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_PLACES = ("仟", "佰", "拾", "")
_SECTIONS = ("", "万", "亿", "万亿")


def _section_in_capitals(number: int) -> str:
    """0 < number < 10000, e.g. 1009 → 壹仟零玖; zeros inside collapse to one 零, trailing ones drop."""
    out, zero = "", False
    for place, digit in zip(_PLACES, f"{number:04d}", strict=True):
        if digit == "0":
            zero = bool(out)
            continue
        out += ("零" if zero else "") + _DIGITS[int(digit)] + place
        zero = False
    return out


def yuan_in_capitals(amount: Decimal) -> str:
    """An amount in Chinese financial capitals (大写金额) for receipts, by the 支付结算办法 rules:
    壹拾 not 拾, one 零 for a run of zeros, 元 after the yuan, 整 when there are no 角 and 分,
    零 before 分 when 角 is zero; e.g. 1234.50 → 壹仟贰佰叁拾肆元伍角, 100000000.01 → 壹亿元零壹分."""
    cents = int((abs(amount) * 100).quantize(Decimal("1")))
    if cents >= 10**18:
        raise ValueError("amount too large for capitals")
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    sections = [(yuan // 10 ** (4 * i)) % 10**4 for i in range(len(_SECTIONS))]
    text, gap = "", False
    for index in reversed(range(len(_SECTIONS))):
        section = sections[index]
        if section == 0:
            gap = bool(text)
            continue
        if text and (gap or section < 1000):
            text += "零"
        text += _section_in_capitals(section) + _SECTIONS[index]
        gap = False
    if yuan:
        text += "元"
    if jiao:
        text += _DIGITS[jiao] + "角"
    if fen:
        text += ("零" if yuan and not jiao else "") + _DIGITS[fen] + "分"
    if not text:
        text = "零元"
    if not fen:
        text += "" if jiao else "整"
    return ("负" if amount < 0 else "") + text
