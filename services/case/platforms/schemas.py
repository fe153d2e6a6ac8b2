import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from services.common.regions import KnownRegionCode
from services.common.vocabulary import (
    Certification,
    PlatformLevel,
    ServiceModel,
    StaffRole,
    StaffSpecialty,
)


class PlatformCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    level: PlatformLevel
    parent_id: uuid.UUID | None = None
    region_code: KnownRegionCode
    service_model: ServiceModel | None = None
    address: str = Field(default="", max_length=300)
    phone: str = Field(default="", max_length=30)


class PlatformUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=200)
    service_model: ServiceModel | None = None
    address: str | None = Field(default=None, max_length=300)
    phone: str | None = Field(default=None, max_length=30)


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


class StaffCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    role: StaffRole
    specialty: StaffSpecialty | None = None
    certification: Certification = Certification.NONE
    subject: str | None = Field(default=None, max_length=200, description="Token subject of this person")


class StaffUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

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
