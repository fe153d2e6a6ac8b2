import uuid
from datetime import date, datetime
from typing import Annotated, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from services.common.fields import PastDate, PastInstant
from services.common.personal_data import birth_date_from_id, is_valid_id_number, is_valid_phone
from services.common.regions import KnownRegionCode
from services.common.vocabulary import Gender, RecipientCategory


def _id_number(value: str) -> str:
    value = value.strip().upper()
    if not is_valid_id_number(value):
        raise ValueError("invalid resident ID number (GB 11643 check digit) / 身份证号码无效")
    return value


def _phone(value: str) -> str:
    value = value.strip()
    if not is_valid_phone(value):
        raise ValueError("invalid phone number / 电话号码格式错误")
    return value


IdNumber = Annotated[str, AfterValidator(_id_number)]
Phone = Annotated[str, AfterValidator(_phone)]


class Consent(BaseModel):
    """Who agreed to the processing of this person's data, when, and for what."""

    model_config = ConfigDict(extra="forbid")

    given_by: str = Field(min_length=1, max_length=100, description="本人 or the guardian's name")
    given_at: datetime = Field(description="When consent was given (UTC)")
    purpose: str = Field(min_length=1, max_length=300)


class ConsentGiven(Consent):
    """Consent as a station records it: the time carries an offset and is not in the future."""

    given_at: PastInstant


class Location(BaseModel):
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)


class RecipientCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    platform_id: uuid.UUID
    region_code: KnownRegionCode
    name: str = Field(min_length=1, max_length=100)
    gender: Gender
    birth_date: PastDate
    categories: list[RecipientCategory] = Field(min_length=1, max_length=11)
    disability_grade: int | None = Field(default=None, ge=1, le=4)
    id_number: IdNumber
    phone: Phone | None = None
    address: str = Field(default="", max_length=300)
    location: Location | None = None
    health_notes: str = Field(default="", max_length=2000)
    consent: ConsentGiven

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if birth_date_from_id(self.id_number) != self.birth_date:
            raise ValueError("birth date does not match the ID number / 出生日期与身份证号码不符")
        return self


class RecipientUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=100)
    categories: list[RecipientCategory] | None = Field(default=None, min_length=1, max_length=11)
    disability_grade: int | None = Field(default=None, ge=1, le=4)
    phone: Phone | None = None
    address: str | None = Field(default=None, max_length=300)
    location: Location | None = None
    health_notes: str | None = Field(default=None, max_length=2000)
    consent: ConsentGiven | None = None


class Recipient(BaseModel):
    """A recipient as the caller may see them: personal fields masked unless `masked` is false."""

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
