import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from services.common.fields import LongText, Payload, PlannedDate, ShortText


class ProjectCreate(Payload):
    platform_id: uuid.UUID
    name: ShortText = Field(examples=["圆梦微心愿"])
    is_brand: bool = Field(default=False, description="A brand project (品牌项目) rather than a pilot")
    description: LongText = ""
    starts_on: PlannedDate | None = None
    ends_on: PlannedDate | None = None

    @field_validator("ends_on")
    @classmethod
    def _dates(cls, ends_on: date | None, info: ValidationInfo) -> date | None:
        starts_on = info.data.get("starts_on")
        if starts_on and ends_on and ends_on < starts_on:
            raise ValueError("ends_on is before starts_on / 结束日期早于开始日期")
        return ends_on


class Project(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    platform_id: uuid.UUID
    region_code: str
    name: str
    is_brand: bool
    description: str
    starts_on: date | None
    ends_on: date | None
    version: int
    created_at: datetime
