"""`GET /v1/stats`: the charity side of the linkage statistics — funds raised and disbursed,
offers published, pledges — for a region and period, aggregated in SQL within the caller's scope."""

from typing import Annotated

from fastapi import APIRouter, Query

from services.common.auth import CurrentPrincipal
from services.common.database import DbSession
from services.common.errors import BadInput, Forbidden, region_out_of_scope
from services.common.fields import Instant
from services.common.regions import RegionPrefix, covers
from services.common.vocabulary import STAFF_ROLES
from services.resources.stats import repository
from services.resources.stats.schemas import PlatformPledges, ResourceStats

router = APIRouter(prefix="/v1", tags=["statistics"])


@router.get("/stats", response_model=ResourceStats)
async def resource_stats(
    principal: CurrentPrincipal,
    session: DbSession,
    start: Annotated[Instant, Query(alias="from")],
    end: Annotated[Instant, Query(alias="to")],
    region: Annotated[RegionPrefix, Query(description="Region-code prefix, e.g. 15 or 1507")] = "15",
) -> ResourceStats:
    """Donations into and disbursements out of funds serving the region in [from, to), offers and pledges."""
    if principal.role not in STAFF_ROLES:
        raise Forbidden("Statistics are for civil-affairs and platform staff.", "统计数据仅向民政及社工平台人员开放。")
    if end <= start:
        raise BadInput("`to` must be after `from`.", "结束时间须晚于开始时间。")
    if principal.region and not covers(principal.region, region):
        raise region_out_of_scope(region, principal.region)
    raised, disbursed, donations = await repository.fund_flows(session, principal, region, start, end, own=True)
    wide_raised, wide_disbursed, _ = await repository.fund_flows(session, principal, region, start, end, own=False)
    return ResourceStats(
        region=region,
        funds_raised=raised,
        funds_disbursed=disbursed,
        donations=donations,
        drawable_funds_raised=wide_raised,
        drawable_funds_disbursed=wide_disbursed,
        offers_published=await repository.offers_published(session, principal, region, start, end),
        pledges=await repository.pledges_made(session, principal, region, start, end),
        foundations=await repository.foundations_serving(session, principal, region),
        by_platform=[
            PlatformPledges(platform_id=platform_id, pledges=n)
            for platform_id, n in sorted(
                (await repository.pledges_by_platform(session, principal, region, start, end)).items()
            )
        ],
    )
