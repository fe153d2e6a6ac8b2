"""Linkage statistics for civil affairs and platforms: counted in SQL, never by pulling rows."""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.common.auth import Principal
from services.common.errors import BadInput, region_out_of_scope
from services.common.regions import covers
from services.common.vocabulary import Role
from services.volunteers.scoping import PLATFORM_STAFF
from services.volunteers.stats import repository as stats_repository
from services.volunteers.stats.schemas import ParticipantTimes, PlatformVolunteerFigures, VolunteerStats


async def compute(
    session: AsyncSession,
    principal: Principal,
    region: str,
    since: datetime | None,
    until: datetime | None,
) -> VolunteerStats:
    """Counts for a region prefix and period [from, to) within the caller's scope."""
    principal.require_role(Role.CIVIL_AFFAIRS_ADMIN, *PLATFORM_STAFF)
    if since is not None and until is not None and until <= since:
        raise BadInput("`to` must be after `from`.", "统计截止时间须晚于开始时间。")
    if principal.region and not covers(principal.region, region):
        raise region_out_of_scope(region, principal.region)
    activities = await stats_repository.activity_counts(session, principal, region, since, until)
    visits = await stats_repository.visit_counts(session, principal, region, since, until)
    by_platform = await stats_repository.figures_by_platform(session, principal, region, since, until)
    return VolunteerStats(
        region=region,
        period_from=since,
        period_to=until,
        activities_held=activities["activities_held"],
        participant_person_times=ParticipantTimes(
            volunteer=activities["volunteer"],
            social_worker=activities["social_worker"],
            donor=activities["donor"],
        ),
        beneficiaries=activities["beneficiaries"],
        care_visits_done=visits["care_visits_done"],
        care_minutes=visits["care_minutes"],
        care_needs_served=visits["care_needs_served"],
        by_platform=[
            PlatformVolunteerFigures(
                platform_id=platform_id,
                participant_person_times=ParticipantTimes(
                    volunteer=f.pop("volunteer", 0), social_worker=f.pop("social_worker", 0), donor=f.pop("donor", 0)
                ),
                **f,
            )
            for platform_id, f in sorted(by_platform.items(), key=lambda item: str(item[0]))
        ],
    )
