"""The old import path of resources' field types, kept only while holds/ and pledges/ (reworked
in parallel) still import from here. Nothing is defined here: every type is the kit's. Import
text and codes from `services.common.fields`, money from `services.common.money` and region
codes from `services.common.regions`.
"""

from services.common.fields import FundPurpose, LongText, PersonName, PhoneNumber, ShortText
from services.common.money import MAX_ENTRY, Quantity, YuanOut
from services.common.money import PositiveYuan as Amount
from services.common.money import SignedYuan as SignedAmount
from services.common.regions import REGION_CODE_PATTERN, REGION_PREFIX_PATTERN, RegionCode, RegionPrefix

__all__ = [
    "MAX_ENTRY",
    "REGION_CODE_PATTERN",
    "REGION_PREFIX_PATTERN",
    "Amount",
    "FundPurpose",
    "LongText",
    "PersonName",
    "PhoneNumber",
    "Quantity",
    "RegionCode",
    "RegionPrefix",
    "ShortText",
    "SignedAmount",
    "YuanOut",
]
