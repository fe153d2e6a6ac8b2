"""Domain errors particular to the resources service (the generic ones live in services.common)."""

from services.common.errors import DomainError


class OutsideFundRestrictions(DomainError):
    status, code, title = 409, "OUTSIDE_FUND_RESTRICTIONS", "Outside the fund's restrictions"


class OfferNotAvailable(DomainError):
    status, code, title = 409, "OFFER_NOT_AVAILABLE", "Offer not open for holds"


class OrganizationNotVerified(DomainError):
    status, code, title = 409, "ORGANIZATION_NOT_VERIFIED", "Organisation not verified"


class DuplicateCreditCode(DomainError):
    status, code, title = 409, "DUPLICATE_CREDIT_CODE", "Credit code already registered"


class ExceedsNeed(DomainError):
    status, code, title = 409, "EXCEEDS_NEED", "More than the need lacks"


class DuplicateReference(DomainError):
    status, code, title = 409, "DUPLICATE_REFERENCE", "Reference already booked"
