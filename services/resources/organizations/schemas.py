"""Organisation payloads."""

import uuid
from datetime import datetime
from typing import Annotated, Literal, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from services.common.fields import Payload, PersonName, PhoneNumber, ShortText
from services.common.regions import RegionPrefix
from services.common.vocabulary import OrganizationKind
from services.resources.organizations.credit_code import is_valid_credit_code

VerificationStatus = Literal["pending", "verified", "rejected"]


def _credit_code(value: str) -> str:
    value = value.upper()
    if not is_valid_credit_code(value):
        raise ValueError("not a valid unified social credit code (GB 32100) / 统一社会信用代码无效")
    return value


CreditCode = Annotated[str, AfterValidator(_credit_code)]
ServiceRegions = Annotated[list[RegionPrefix], Field(min_length=1, max_length=50)]


class OrganizationCreate(Payload):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "kind": "community_foundation",
                    "name": "满洲里市社区发展基金会",
                    "credit_code": "91440300708461136T",
                    "contact_name": "张伟",
                    "contact_phone": "13912345678",
                    "service_regions": ["150781"],
                }
            ]
        }
    )

    kind: OrganizationKind
    name: ShortText
    credit_code: CreditCode | None = Field(
        default=None, description="Required for every kind except individual donors, who have none."
    )
    contact_name: PersonName
    contact_phone: PhoneNumber
    service_regions: ServiceRegions

    @model_validator(mode="after")
    def credit_code_matches_kind(self) -> Self:
        individual = self.kind is OrganizationKind.INDIVIDUAL_DONOR
        if individual and self.credit_code is not None:
            raise ValueError("individual donors have no credit code / 爱心人士无统一社会信用代码")
        if not individual and self.credit_code is None:
            raise ValueError("credit_code is required for this kind / 该类组织须提供统一社会信用代码")
        return self


class OrganizationUpdate(Payload):
    """Name, contact and service regions; verification changes only by verify and reject."""

    name: ShortText | None = None
    contact_name: PersonName | None = None
    contact_phone: PhoneNumber | None = None
    service_regions: ServiceRegions | None = None


class Organization(BaseModel):
    id: uuid.UUID
    kind: OrganizationKind
    name: str
    credit_code: str | None
    contact_name: str
    contact_phone: str
    service_regions: list[str]
    verification_status: VerificationStatus
    version: int
    created_at: datetime
