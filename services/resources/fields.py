"""Input field types of the resources API: bounded text, money as exact decimals, sane times.

Generic in spirit, but kept here because services.common does not (yet) offer them:
- text refuses control characters (PostgreSQL cannot store NUL),
- money refuses JSON floats (0.1 + 0.2 must stay 0.30) and stays inside numeric(14,2),
- (times are the kernel's: services/common/fields.py).
"""

from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    PlainSerializer,
    StringConstraints,
)

from services.common.regions import RegionCode as KernelRegionCode
from services.common.regions import RegionPrefix as KernelRegionPrefix
from services.common.vocabulary import ItemCategory, NeedKind

_NO_CONTROL = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=_NO_CONTROL)]
LongText = Annotated[str, StringConstraints(max_length=4000, pattern=_NO_CONTROL)]
PersonName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100, pattern=_NO_CONTROL)]
PhoneNumber = Annotated[str, StringConstraints(pattern=r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")]

MAX_ENTRY = Decimal("100000000.00")  # 1亿 per entry keeps every sum inside numeric(14,2)


def _refuse_float(value: Any) -> Any:
    if isinstance(value, float):
        raise ValueError('money must be a JSON string such as "12.50", never a float / 金额须为字符串')
    return value


def _two_places(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


Amount = Annotated[
    Decimal,
    BeforeValidator(_refuse_float),
    Field(gt=Decimal("0"), le=MAX_ENTRY, decimal_places=2, examples=["12.50"]),
]
SignedAmount = Annotated[
    Decimal,
    BeforeValidator(_refuse_float),
    Field(ge=-MAX_ENTRY, le=MAX_ENTRY, decimal_places=2, examples=["-3.00"]),
]
YuanOut = Annotated[Decimal, PlainSerializer(_two_places, return_type=str, when_used="json")]
Quantity = Annotated[int, Field(ge=1, le=1_000_000)]


def _known_purpose(value: str) -> str:
    if value not in ItemCategory.labels() and value not in NeedKind.labels():
        raise ValueError("purpose must be an item category or a need kind / 用途须为物资类别或需求类型")
    return value


FundPurpose = Annotated[str, AfterValidator(_known_purpose)]

# The kernel's region types, with their shape also in the OpenAPI schema (ASCII digits only).
REGION_CODE_PATTERN = r"^[0-9]{6}([0-9]{3}([0-9]{3})?)?$"
REGION_PREFIX_PATTERN = r"^[0-9]{2}([0-9]{2}([0-9]{2}([0-9]{3}([0-9]{3})?)?)?)?$"
RegionCode = Annotated[str, StringConstraints(pattern=REGION_CODE_PATTERN), *KernelRegionCode.__metadata__]
RegionPrefix = Annotated[str, StringConstraints(pattern=REGION_PREFIX_PATTERN), *KernelRegionPrefix.__metadata__]
