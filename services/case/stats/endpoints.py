"""`GET /v1/stats`: the case side of the linkage statistics civil-affairs departments report."""

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Self

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from services.case.platforms import repository as platform_repository
from services.case.scoping import PLATFORM_ROLES, READ_ROLES
from services.case.stats import repository
from services.common.auth import CurrentPrincipal
from services.common.database import DbSession
from services.common.errors import BadInput, Forbidden, region_out_of_scope
from services.common.fields import Instant
from services.common.regions import RegionPrefix, covers

router = APIRouter(prefix="/v1", tags=["statistics"])


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


@router.get("/stats", response_model=CaseStats)
async def case_stats(
    principal: CurrentPrincipal,
    session: DbSession,
    start: Annotated[Instant, Query(alias="from")],
    end: Annotated[Instant, Query(alias="to")],
    region: Annotated[RegionPrefix, Query(description="Region-code prefix, e.g. 15 or 1507")] = "15",
) -> CaseStats:
    """Platforms by level, social workers (certified), projects, service records and beneficiaries,
    cases opened and closed, needs published and fulfilled — for a region and period [from, to)."""
    if principal.role not in READ_ROLES:
        raise Forbidden("Statistics are for civil-affairs and platform staff.", "统计数据仅向民政及社工平台人员开放。")
    if end <= start:
        raise BadInput("`to` must be after `from`.", "结束时间须晚于开始时间。")
    if principal.region and not covers(principal.region, region):
        raise region_out_of_scope(region, principal.region)
    if principal.role in PLATFORM_ROLES:  # platform staff: their own platform's region and below
        own = (
            await platform_repository.get(session, principal, principal.platform_id) if principal.platform_id else None
        )
        if own is None or not covers(own.region_code, region):
            raise region_out_of_scope(region, own.region_code if own else "")
    stats = CaseStats.empty(region, start, end)
    stats.platforms = await repository.platform_counts(session, principal, region)
    stats.social_workers, stats.certified_social_workers = await repository.staff_counts(session, principal, region)
    stats.projects, stats.brand_projects = await repository.project_counts(session, principal, region)
    stats.service_records, stats.beneficiaries = await repository.service_counts(session, principal, region, start, end)
    cases = await repository.case_counts(session, principal, region, start, end)
    stats.cases_opened, stats.cases_closed = cases["opened"], cases["closed"]
    stats.needs = [
        NeedFigures(kind=kind, published=p, fulfilled=f, fulfilled_value=Decimal(v))
        for kind, p, f, v in await repository.need_counts(session, principal, region, start, end)
    ]
    by_platform = await repository.figures_by_platform(session, principal, region, start, end)
    stats.by_platform = [
        PlatformFigures(
            platform_id=p.id, name=p.name, level=p.level, region_code=p.region_code, **by_platform.get(p.id, {})
        )
        for p in await repository.platforms_of(session, principal, region)
    ]
    return stats
