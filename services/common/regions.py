"""GB/T 2260 region codes: 6 digits to county, 9 township, 12 village/community.

Scope checks are prefix checks. A caller scoped to "1507" (呼伦贝尔市) covers 150781 (满洲里市)
and every township and community below it. Codes are strings, never integers (leading digits
matter and 9/12-digit codes overflow nothing but mean different things).
"""

import re
from typing import Annotated

from pydantic import AfterValidator, WithJsonSchema

# ASCII digits only, matched in full: "\d" takes other scripts' digits and "$" a trailing newline.
REGION_CODE_PATTERN = r"^[0-9]{6}([0-9]{3}([0-9]{3})?)?$"
REGION_PREFIX_PATTERN = r"^[0-9]{2}([0-9]{2}([0-9]{2}([0-9]{3}([0-9]{3})?)?)?)?$"
_CODE = re.compile(REGION_CODE_PATTERN.removeprefix("^").removesuffix("$"))
_PREFIX = re.compile(REGION_PREFIX_PATTERN.removeprefix("^").removesuffix("$"))


def is_region_code(code: str) -> bool:
    """A full code: 6, 9 or 12 digits."""
    return bool(_CODE.fullmatch(code))


def is_region_prefix(prefix: str) -> bool:
    """A scope prefix: province (2), city/league (4), county (6), township (9) or village (12)."""
    return bool(_PREFIX.fullmatch(prefix))


def covers(scope_prefix: str, code: str) -> bool:
    """Does a scope (empty = everywhere) include this region?"""
    return code.startswith(scope_prefix)


def county_of(code: str) -> str:
    """The 6-digit county-level code that a township or village code lies in."""
    return code[:6]


def normalise_prefix(code: str) -> str:
    """Trailing zero groups of a 6-digit code name the same area: 150700 -> 1507, 150000 -> 15."""
    if len(code) == 6:
        if code.endswith("0000"):
            return code[:2]
        if code.endswith("00"):
            return code[:4]
    return code


def _validate_code(value: str) -> str:
    if not is_region_code(value):
        raise ValueError("region code must be 6, 9 or 12 digits (GB/T 2260) / 行政区划代码须为6、9或12位数字")
    return value


def _validate_prefix(value: str) -> str:
    if not is_region_prefix(value):
        raise ValueError("region prefix must be 2, 4, 6, 9 or 12 digits / 行政区划前缀格式错误")
    return value


_CODE_SCHEMA = {"type": "string", "pattern": REGION_CODE_PATTERN, "examples": ["150781001"]}
RegionCode = Annotated[str, AfterValidator(_validate_code), WithJsonSchema(_CODE_SCHEMA)]
RegionPrefix = Annotated[
    str,
    AfterValidator(_validate_prefix),
    WithJsonSchema({"type": "string", "pattern": REGION_PREFIX_PATTERN, "examples": ["1507"]}),
]


def is_known_region(code: str) -> bool:
    """A 6-digit code in the shipped table, or a 9/12-digit code under a known county.

    We ship every county-level code of Inner Mongolia; township and village codes number in the
    thousands and change yearly, so below county level we check the structure and the county.
    """
    from services.common.region_data import COUNTIES

    if not is_region_code(code):
        return False
    if code[:6] not in COUNTIES:
        return False
    if len(code) >= 9 and code[6:9] == "000":
        return False
    return not (len(code) == 12 and code[9:12] == "000")


def region_name(code: str) -> str | None:
    from services.common.region_data import COUNTIES, PREFECTURES, PROVINCES, TOWNSHIPS

    for table in (TOWNSHIPS, COUNTIES, PREFECTURES, PROVINCES):
        if code in table:
            return table[code]
    return None


def _validate_known(value: str) -> str:
    if not is_known_region(value):
        raise ValueError("unknown region code (GB/T 2260; Inner Mongolia is shipped) / 未知的行政区划代码")
    return value


KnownRegionCode = Annotated[str, AfterValidator(_validate_known), WithJsonSchema(_CODE_SCHEMA)]
