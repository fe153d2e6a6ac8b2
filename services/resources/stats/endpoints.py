"""`GET /v1/stats`: the charity side of the linkage statistics — funds raised and disbursed,
offers published, pledges — for a region and period, aggregated in SQL within the caller's scope."""

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from services.common.auth import CurrentPrincipal
from services.common.database import DbSession
from services.common.errors import BadInput, Forbidden
from services.common.fields import Instant
from services.common.regions import RegionPrefix
from services.common.vocabulary import STAFF_ROLES
from services.resources.stats import repository

router = APIRouter(prefix="/v1", tags=["statistics"])


class ResourceStats(BaseModel):
    region: str
    funds_raised: Decimal
    funds_disbursed: Decimal
    donations: int
    offers_published: int
    pledges: int


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
    raised, disbursed, donations = await repository.fund_flows(session, principal, region, start, end)
    return ResourceStats(
        region=region,
        funds_raised=raised,
        funds_disbursed=disbursed,
        donations=donations,
        offers_published=await repository.offers_published(session, principal, region, start, end),
        pledges=await repository.pledges_made(session, principal, region, start, end),
    )
