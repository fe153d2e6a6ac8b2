"""`GET /v1/stats`: the charity side of the linkage statistics — funds raised and disbursed,
offers published, pledges — for a region and period, aggregated in SQL within the caller's scope."""

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from services.common.auth import CurrentPrincipal
from services.common.database import DbSession
from services.common.errors import BadInput, Forbidden, region_out_of_scope
from services.common.fields import Instant
from services.common.regions import RegionPrefix, covers
from services.common.vocabulary import STAFF_ROLES
from services.resources.stats import repository

router = APIRouter(prefix="/v1", tags=["statistics"])


class PlatformPledges(BaseModel):
    platform_id: str
    pledges: int


class ResourceStats(BaseModel):
    region: str
    funds_raised: Decimal = Field(
        description="Donations received in the period by the region's own funds (a fund whose region lies "
        "within the region asked); pledged money counts once its wish has received it"
    )
    funds_disbursed: Decimal = Field(description="Paid out in the period by the region's own funds")
    donations: int = Field(description="Donation entries of the region's own funds in the period")
    drawable_funds_raised: Decimal = Field(
        description="Donations in the period to funds of a wider region (county, league, region-wide) that "
        "the region may draw on: not its own, never added to its own, counted as their own region's"
    )
    drawable_funds_disbursed: Decimal = Field(description="Paid out in the period by those wider funds")
    offers_published: int = Field(description="Offers (not drafts) published in the period serving the region")
    pledges: int = Field(description="Pledges made in the period for needs of the region")
    foundations: int = Field(
        description="Verified community foundations with a service region within or containing the region"
    )
    by_platform: list[PlatformPledges] = Field(
        default_factory=list, description="Pledges by the platform of the need (funds are a region's, not a platform's)"
    )


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
