"""The case side of the linkage statistics: what `GET /v1/stats` answers."""

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Self

from pydantic import BaseModel, Field


class NeedFigures(BaseModel):
    kind: str
    published: int
    fulfilled: int
    fulfilled_value: Decimal


class PlatformFigures(BaseModel):
    """One platform's own figures: each platform once, people counted once per platform."""

    platform_id: uuid.UUID
    name: str
    level: str
    region_code: str
    social_workers: int = 0
    certified_social_workers: int = 0
    projects: int = 0
    brand_projects: int = 0
    service_records: int = 0
    beneficiaries: int = 0
    cases_opened: int = 0
    cases_closed: int = 0
    wishes_met: int = Field(0, description="Needs of the platform fulfilled in the period")
    wishes_met_value: Decimal = Field(Decimal(0), description="A funding need's amount, a wish's estimated value")


class CaseStats(BaseModel):
    region: str
    start: datetime
    end: datetime
    platforms: dict[str, int]
    social_workers: int
    certified_social_workers: int
    projects: int
    brand_projects: int
    service_records: int
    beneficiaries: int
    cases_opened: int
    cases_closed: int
    needs: list[NeedFigures]
    by_platform: list[PlatformFigures] = Field(
        default_factory=list,
        description="Each platform of the region once; its additive figures sum to the region's, its people "
        "may hold posts at several platforms (so social workers over platforms may exceed the region's)",
    )

    @classmethod
    def empty(cls, region: str, start: datetime, end: datetime) -> Self:
        return cls(
            region=region,
            start=start,
            end=end,
            platforms={},
            social_workers=0,
            certified_social_workers=0,
            projects=0,
            brand_projects=0,
            service_records=0,
            beneficiaries=0,
            cases_opened=0,
            cases_closed=0,
            needs=[],
        )
