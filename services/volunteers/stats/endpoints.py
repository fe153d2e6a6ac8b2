"""HTTP route for statistics: /v1/stats."""

from typing import Annotated

from fastapi import APIRouter, Query

from services.common.auth import CurrentPrincipal
from services.common.database import DbSession
from services.common.fields import Instant
from services.common.regions import RegionPrefix
from services.volunteers.stats import service as stats_service
from services.volunteers.stats.schemas import VolunteerStats

router = APIRouter(prefix="/v1/stats", tags=["stats"])


@router.get("")
async def get_stats(
    principal: CurrentPrincipal,
    session: DbSession,
    region: Annotated[RegionPrefix, Query(description="GB/T 2260 prefix, e.g. 15")] = "",
    period_from: Annotated[Instant | None, Query(alias="from")] = None,
    period_to: Annotated[Instant | None, Query(alias="to")] = None,
) -> VolunteerStats:
    """Activities held, participant person-times (volunteer, social worker, donor),
    beneficiaries and care visits, by region prefix and period [from, to)."""
    return await stats_service.compute(session, principal, region, period_from, period_to)
