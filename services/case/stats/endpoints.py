"""`GET /v1/stats`: the case side of the linkage statistics civil-affairs departments report."""

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query

from services.case.platforms import repository as platform_repository
from services.case.scoping import PLATFORM_ROLES, READ_ROLES
from services.case.stats import repository
from services.case.stats.schemas import CaseStats, NeedFigures, PlatformFigures
from services.common.auth import CurrentPrincipal
from services.common.database import DbSession
from services.common.errors import BadInput, Forbidden, region_out_of_scope
from services.common.fields import Instant
from services.common.regions import RegionPrefix, covers

router = APIRouter(prefix="/v1", tags=["statistics"])


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
