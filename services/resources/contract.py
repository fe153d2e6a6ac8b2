"""The REST contract of the resources service: every request and response model the gateway uses.

One module (pydantic only, no SQLAlchemy) that the service's endpoints and the gateway's typed
client (gateway/clients/resources.py) both import, so the two sides cannot drift. The models are
defined next to their endpoints (`<aggregate>/schemas.py`) and re-exported here; the code lists
without a home in services/common/vocabulary.py are defined here, with their zh-CN labels.
"""

from services.common.pagination import Page
from services.common.vocabulary import Vocabulary
from services.resources.funds.schemas import (
    AdjustmentCreate,
    DisbursementCreate,
    DisclosedEntry,
    DonationCreate,
    EntryKind,
    FundDisclosure,
    LedgerEntry,
    LedgerEntryCreate,
    ReversalCreate,
)
from services.resources.holds.schemas import Hold, HoldCreate, HoldStateCode
from services.resources.offers.schemas import (
    AmountFigures,
    FundRestrictions,
    Offer,
    OfferCreate,
    OfferUpdate,
    UnitFigures,
)
from services.resources.offers.schemas import OfferStatus as OfferStatusCode
from services.resources.organizations.schemas import (
    Organization,
    OrganizationCreate,
    OrganizationUpdate,
)
from services.resources.organizations.schemas import VerificationStatus as VerificationStatusCode
from services.resources.pledges.schemas import Pledge, PledgeCreate
from services.resources.stats.schemas import PlatformPledges, ResourceStats


class OfferStatus(Vocabulary):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"
    PAUSED = "paused", "已暂停"
    EXHAUSTED = "exhausted", "已用完"
    EXPIRED = "expired", "已过期"


class VerificationStatus(Vocabulary):
    PENDING = "pending", "待审核"
    VERIFIED = "verified", "已认证"
    REJECTED = "rejected", "未通过"


class LedgerEntryKind(Vocabulary):
    DONATION = "donation", "捐赠收入"
    DISBURSEMENT = "disbursement", "资金支出"
    ADJUSTMENT = "adjustment", "调整"
    REVERSAL = "reversal", "冲正"


__all__ = [
    "AdjustmentCreate",
    "AmountFigures",
    "DisbursementCreate",
    "DisclosedEntry",
    "DonationCreate",
    "EntryKind",
    "FundDisclosure",
    "FundRestrictions",
    "Hold",
    "HoldCreate",
    "HoldStateCode",
    "LedgerEntry",
    "LedgerEntryCreate",
    "LedgerEntryKind",
    "Offer",
    "OfferCreate",
    "OfferStatus",
    "OfferStatusCode",
    "OfferUpdate",
    "Organization",
    "OrganizationCreate",
    "OrganizationUpdate",
    "Page",
    "PlatformPledges",
    "Pledge",
    "PledgeCreate",
    "ResourceStats",
    "ReversalCreate",
    "UnitFigures",
    "VerificationStatus",
    "VerificationStatusCode",
]
