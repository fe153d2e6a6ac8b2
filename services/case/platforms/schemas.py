import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from services.common.fields import (
    Address,
    IdNumber,
    Payload,
    PersonName,
    PhoneNumber,
    ShortText,
    StorableText,
    Subject,
)
from services.common.regions import KnownRegionCode
from services.common.vocabulary import (
    Certification,
    PlatformLevel,
    ServiceModel,
    StaffRole,
    StaffSpecialty,
)

PlatformPhone = Annotated[str, StorableText(30)]  # as a station writes it: "0470-6221234 转 8"


class PlatformCreate(Payload):
    name: ShortText
    level: PlatformLevel
    parent_id: uuid.UUID | None = None
    region_code: KnownRegionCode
    service_model: ServiceModel | None = None
    address: Address = ""
    phone: PlatformPhone = ""


class PlatformUpdate(Payload):
    name: ShortText | None = None
    service_model: ServiceModel | None = None
    address: Address | None = None
    phone: PlatformPhone | None = None


class Platform(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    level: PlatformLevel
    parent_id: uuid.UUID | None
    region_code: str
    service_model: ServiceModel | None
    address: str
    phone: str
    version: int
    created_at: datetime


class StaffCreate(Payload):
    name: PersonName
    role: StaffRole
    specialty: StaffSpecialty | None = None
    certification: Certification = Certification.NONE
    subject: Subject | None = Field(default=None, description="Token subject (`sub`) of this person")
    id_number: IdNumber | None = Field(
        default=None, description="Stored encrypted; the same person is recorded once per platform"
    )
    phone: PhoneNumber | None = Field(
        default=None, description="Stored encrypted; the same person is recorded once per platform"
    )


class StaffUpdate(Payload):
    role: StaffRole | None = None
    specialty: StaffSpecialty | None = None
    certification: Certification | None = None
    active: bool | None = None


class Staff(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    platform_id: uuid.UUID
    name: str
    role: StaffRole
    specialty: StaffSpecialty | None
    certification: Certification
    active: bool
    version: int
    created_at: datetime


class PlatformTicketOut(BaseModel):
    """A sealed ticket naming a platform's path and region, for the volunteers service (10 minutes,
    for this caller only)."""

    ticket: str
    expires_in_s: int
