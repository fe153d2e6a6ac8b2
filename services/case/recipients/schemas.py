import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from services.common.fields import (
    Address,
    IdNumber,
    Note,
    PastDate,
    PastInstant,
    Payload,
    PersonName,
    PhoneNumber,
    StorableText,
)
from services.common.personal_data import birth_date_from_id
from services.common.regions import KnownRegionCode
from services.common.vocabulary import Gender, RecipientCategory


class Consent(BaseModel):
    """Who agreed to the processing of this person's data, when, and for what."""

    model_config = ConfigDict(extra="forbid")

    given_by: str = Field(min_length=1, max_length=100, description="本人 or the guardian's name")
    given_at: datetime = Field(description="When consent was given (UTC)")
    purpose: str = Field(min_length=1, max_length=300)


class ConsentGiven(Payload):
    """Consent as a station records it: the time carries an offset and is not in the future."""

    given_by: PersonName = Field(description="本人 or the guardian's name")
    given_at: PastInstant = Field(description="When consent was given")
    purpose: Annotated[str, StorableText(300, min_length=1)]


class Location(Payload):
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)


class RecipientCreate(Payload):
    platform_id: uuid.UUID
    region_code: KnownRegionCode
    name: PersonName
    gender: Gender
    id_number: IdNumber
    birth_date: PastDate
    categories: list[RecipientCategory] = Field(min_length=1, max_length=11)
    disability_grade: int | None = Field(default=None, ge=1, le=4)
    phone: PhoneNumber | None = None
    address: Address = ""
    location: Location | None = None
    health_notes: Note = ""
    consent: ConsentGiven

    @field_validator("birth_date")
    @classmethod
    def _consistent(cls, birth_date: date, info: ValidationInfo) -> date:
        # Refused on the birth date (a field the station can correct), not on the whole body: the ID
        # number is validated first (declared before it) and, if valid, is here to compare with.
        id_number = info.data.get("id_number")
        if id_number is not None and birth_date_from_id(id_number) != birth_date:
            raise ValueError("birth date does not match the ID number / 出生日期与身份证号码不符")
        return birth_date


class RecipientUpdate(Payload):
    name: PersonName | None = None
    categories: list[RecipientCategory] | None = Field(default=None, min_length=1, max_length=11)
    disability_grade: int | None = Field(default=None, ge=1, le=4)
    phone: PhoneNumber | None = None
    address: Address | None = None
    location: Location | None = None
    health_notes: Note | None = None
    consent: ConsentGiven | None = None


class Recipient(BaseModel):
    """A recipient as the caller may see them: personal fields masked unless `masked` is false (and
    then, when the read named its `fields`, only those unmasked)."""

    id: uuid.UUID
    platform_id: uuid.UUID
    region_code: str
    masked: bool
    name: str
    gender: Gender
    age: int
    birth_date: date | None
    categories: list[RecipientCategory]
    disability_grade: int | None
    id_number: str
    phone: str | None
    address: str
    location: Location | None
    health_notes: str | None
    consent: Consent
    version: int
    created_at: datetime
