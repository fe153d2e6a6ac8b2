"""`linkageStats`: the figures of the civil-affairs report, aggregated by each service in SQL.

Each service answers for its own side in one call; if one is down, its group is null with an
UPSTREAM_UNAVAILABLE error and the other groups still arrive.
"""

import asyncio
import datetime as dt
from decimal import Decimal
from typing import TypeVar

import strawberry
from strawberry.types import Info

from gateway.auth import caller
from gateway.clients.base import UpstreamError
from gateway.context import GatewayContext
from gateway.errors import bad_input, graphql_error
from gateway.ids import to_global_id
from services.case.contract import CaseStats
from services.common.clock import beijing_month, clock, iso_utc
from services.common.regions import is_region_prefix
from services.common.vocabulary import STAFF_ROLES, NeedKind, PlatformLevel
from services.resources.contract import ResourceStats
from services.volunteers.contract import VolunteerStats

GInfo = Info[GatewayContext, None]
S = TypeVar("S")


@strawberry.type
class PlatformCounts:
    county_centres: int = strawberry.field(description="County social-work centres (县级社工总站) in the region")
    stations: int = strawberry.field(description="Township social-work stations (乡镇社工站) in the region")
    community_rooms: int = strawberry.field(description="Community social-work rooms (社工室) in the region")


@strawberry.type
class WishFigures:
    kind: NeedKind = strawberry.field(description="Need kind: MICRO_WISH, FUNDING or CARE")
    published: int = strawberry.field(description="Needs of the kind published (created) in the period")
    fulfilled: int = strawberry.field(
        description="Wishes met: needs of the kind fulfilled in the period (care needs are never fulfilled: "
        "see volunteerSide.careNeedsServed)"
    )
    fulfilled_value: Decimal = strawberry.field(
        description="Value of the wishes met, yuan: a funding need's amount, a wish's estimated value"
    )


@strawberry.type(description="The social-work side: platforms, workers, projects, services, needs.")
class CaseFigures:
    platforms: PlatformCounts = strawberry.field(description="Platforms of the region by level (all time)")
    social_workers: int = strawberry.field(
        description="Distinct persons (ID number, else phone) among active staff of the region's platforms"
    )
    certified_social_workers: int = strawberry.field(
        description="Of those, persons holding any social-work certificate (certification other than none)"
    )
    projects: int = strawberry.field(description="Projects of the region (all time)")
    brand_projects: int = strawberry.field(description="Of those, brand projects (品牌项目)")
    service_records: int = strawberry.field(description="Case service records served on a Beijing day of the period")
    beneficiary_person_times: int = strawberry.field(
        description="Beneficiaries summed over those service records; part of LinkageStats.beneficiaryPersonTimes",
        deprecation_reason="Use LinkageStats.beneficiaryPersonTimes, the one beneficiary figure",
    )
    cases_opened: int = strawberry.field(description="Cases opened in the period")
    cases_closed: int = strawberry.field(description="Cases closed in the period")
    needs: list[WishFigures] = strawberry.field(description="Needs published and met, by kind")


@strawberry.type(description="The volunteer side: activities and who took part.")
class VolunteerFigures:
    activities_held: int = strawberry.field(
        description="Activities held: completed activities of the region starting in the period"
    )
    volunteer_person_times: int = strawberry.field(
        description="Person-times (人次) of volunteers: check-ins at those activities (one per volunteer and activity)"
    )
    social_worker_person_times: int = strawberry.field(
        description="Social workers taking part in those activities, as the organiser entered at completion"
    )
    donor_person_times: int = strawberry.field(
        description="Donors (爱心人士) taking part in those activities, as the organiser entered at completion"
    )
    beneficiary_person_times: int = strawberry.field(
        description="Beneficiaries of those activities; part of LinkageStats.beneficiaryPersonTimes",
        deprecation_reason="Use LinkageStats.beneficiaryPersonTimes, the one beneficiary figure",
    )
    care_visits_done: int = strawberry.field(description="Care visits done (outcome done) in the period")
    care_minutes: int = strawberry.field(description="Minutes of those visits")
    care_needs_served: int = strawberry.field(
        description="Care needs served: distinct care needs with at least one done visit in the period"
    )


@strawberry.type(description="The charity side: money raised and disbursed, offers, pledges.")
class FundFigures:
    funds_raised: Decimal = strawberry.field(
        description="Donations received in the period by the region's own funds (the fund's region lies within "
        "the region asked, so a township's and its county's own funds add up); pledged money once received"
    )
    funds_disbursed: Decimal = strawberry.field(description="Paid out in the period by the region's own funds")
    donations: int = strawberry.field(description="Donations to the region's own funds in the period")
    drawable_funds_raised: Decimal = strawberry.field(
        description="Donations in the period to wider funds (county, league, region-wide) the region may draw "
        "on: labelled apart, never part of its own figures"
    )
    drawable_funds_disbursed: Decimal = strawberry.field(description="Paid out in the period by those wider funds")
    offers_published: int = strawberry.field(
        description="Offers (not drafts) published in the period serving the region or a region containing it"
    )
    pledges: int = strawberry.field(
        description="Pledges (认领) made in the period for needs of the region, as the caller may see them"
    )
    foundations: int = strawberry.field(
        description="Verified community foundations (社区发展基金会) with a service region within or containing "
        "the region (all time; not additive across townships)"
    )


@strawberry.type(
    description="One platform's own figures, each platform of the region once. Additive figures (all but "
    "socialWorkers and certifiedSocialWorkers) over the platforms sum to the region's when every record "
    "belongs to a platform; activities an organisation ran and funds (a region's, not a platform's) are "
    "in the region's figures only"
)
class PlatformStats:
    platform_id: strawberry.ID = strawberry.field(description="The Platform's global id")
    name: str = strawberry.field(description="The platform's name")
    level: PlatformLevel = strawberry.field(description="COUNTY_CENTRE, STATION or COMMUNITY_ROOM")
    region_code: str = strawberry.field(description="The platform's region code")
    social_workers: int = strawberry.field(description="Distinct persons among the platform's active staff")
    certified_social_workers: int = strawberry.field(description="Of those, certified (certification not none)")
    projects: int = strawberry.field(description="The platform's projects (all time)")
    service_records: int = strawberry.field(description="Its service records on a Beijing day of the period")
    beneficiary_person_times: int = strawberry.field(
        description="Beneficiaries of its service records plus those of the activities it held"
    )
    cases_opened: int = strawberry.field(description="Its cases opened in the period")
    cases_closed: int = strawberry.field(description="Its cases closed in the period")
    wishes_met: int = strawberry.field(description="Its needs fulfilled in the period (all kinds)")
    wishes_met_value: Decimal = strawberry.field(description="Their value: a funding need's amount, else the estimate")
    activities_held: int = strawberry.field(description="Completed activities it organised starting in the period")
    volunteer_person_times: int = strawberry.field(description="Check-ins at those activities")
    social_worker_person_times: int = strawberry.field(description="Social workers at them, as entered")
    donor_person_times: int = strawberry.field(description="Donors at them, as entered")
    care_visits_done: int = strawberry.field(description="Done visits of its care assignments in the period")
    care_minutes: int = strawberry.field(description="Minutes of those visits")
    care_needs_served: int = strawberry.field(description="Distinct care needs with a done visit in the period")
    pledges: int | None = strawberry.field(
        description="Pledges made in the period for its needs (null while the resources service is unavailable)"
    )


def platform_stats(
    case: CaseStats, volunteers: VolunteerStats, resources: ResourceStats | Exception
) -> list[PlatformStats]:
    """Each platform once: the case service's platforms of the region, with the volunteers service's
    figures for the same platform id joined on (a volunteers platform the case side does not list
    would have no name and is left out: the case service owns the platforms)."""
    joined = {v.platform_id: v for v in volunteers.by_platform}
    pledges = None if isinstance(resources, Exception) else {r.platform_id: r.pledges for r in resources.by_platform}
    rows = []
    for c in case.by_platform:
        v = joined.get(c.platform_id)
        times = v.participant_person_times if v else None
        rows.append(
            PlatformStats(
                platform_id=strawberry.ID(to_global_id("Platform", c.platform_id)),
                name=c.name,
                level=PlatformLevel(c.level),
                region_code=c.region_code,
                social_workers=c.social_workers,
                certified_social_workers=c.certified_social_workers,
                projects=c.projects,
                service_records=c.service_records,
                beneficiary_person_times=c.beneficiaries + (v.beneficiaries if v else 0),
                cases_opened=c.cases_opened,
                cases_closed=c.cases_closed,
                wishes_met=c.wishes_met,
                wishes_met_value=c.wishes_met_value,
                activities_held=v.activities_held if v else 0,
                volunteer_person_times=times.volunteer if times else 0,
                social_worker_person_times=times.social_worker if times else 0,
                donor_person_times=times.donor if times else 0,
                care_visits_done=v.care_visits_done if v else 0,
                care_minutes=v.care_minutes if v else 0,
                care_needs_served=v.care_needs_served if v else 0,
                pledges=None if pledges is None else pledges.get(str(c.platform_id), 0),
            )
        )
    return rows


@strawberry.type(description="Linkage statistics (五社联动) for a region and period.")
class LinkageStats:
    region_code: str = strawberry.field(description="Exactly the region-code prefix asked")
    start: dt.datetime = strawberry.field(description="Period start (inclusive); periods are Beijing time")
    end: dt.datetime = strawberry.field(description="Period end (exclusive)")
    case_raw: strawberry.Private[CaseStats | Exception]
    volunteer_raw: strawberry.Private[VolunteerStats | Exception]
    resource_raw: strawberry.Private[ResourceStats | Exception]

    @strawberry.field(description="Funds, offers and pledges (resources service)")
    def fund_side(self) -> FundFigures | None:
        r = _or_raise(self.resource_raw)
        return FundFigures(
            funds_raised=r.funds_raised,
            funds_disbursed=r.funds_disbursed,
            donations=r.donations,
            drawable_funds_raised=r.drawable_funds_raised,
            drawable_funds_disbursed=r.drawable_funds_disbursed,
            offers_published=r.offers_published,
            pledges=r.pledges,
            foundations=r.foundations,
        )

    @strawberry.field(description="Platforms, staff, projects, services, cases and needs (case service)")
    def case_side(self) -> CaseFigures | None:
        r = _or_raise(self.case_raw)
        return CaseFigures(
            platforms=PlatformCounts(
                county_centres=r.platforms.get("county_centre", 0),
                stations=r.platforms.get("station", 0),
                community_rooms=r.platforms.get("community_room", 0),
            ),
            social_workers=r.social_workers,
            certified_social_workers=r.certified_social_workers,
            projects=r.projects,
            brand_projects=r.brand_projects,
            service_records=r.service_records,
            beneficiary_person_times=r.beneficiaries,
            cases_opened=r.cases_opened,
            cases_closed=r.cases_closed,
            needs=[
                WishFigures(
                    kind=NeedKind(n.kind),
                    published=n.published,
                    fulfilled=n.fulfilled,
                    fulfilled_value=n.fulfilled_value,
                )
                for n in r.needs
            ],
        )

    @strawberry.field(description="Activities, person-times and care visits (volunteers service)")
    def volunteer_side(self) -> VolunteerFigures | None:
        r = _or_raise(self.volunteer_raw)
        times = r.participant_person_times
        return VolunteerFigures(
            activities_held=r.activities_held,
            volunteer_person_times=times.volunteer,
            social_worker_person_times=times.social_worker,
            donor_person_times=times.donor,
            beneficiary_person_times=r.beneficiaries,
            care_visits_done=r.care_visits_done,
            care_minutes=r.care_minutes,
            care_needs_served=r.care_needs_served,
        )

    @strawberry.field(
        description="Beneficiaries (受益人次), the one figure: beneficiaries of case service records served in "
        "the period plus those of activities held in the period (two different services, never the same visit)"
    )
    def beneficiary_person_times(self) -> int | None:
        return _or_raise(self.case_raw).beneficiaries + _or_raise(self.volunteer_raw).beneficiaries

    @strawberry.field(description="Each platform of the region once, with its own figures")
    def by_platform(self) -> list[PlatformStats] | None:
        return platform_stats(_or_raise(self.case_raw), _or_raise(self.volunteer_raw), self.resource_raw)


def _or_raise(value: S | Exception) -> S:
    if isinstance(value, Exception):
        raise value
    return value


async def linkage_stats(
    info: GInfo, region_code: str, start: dt.datetime | None = None, end: dt.datetime | None = None
) -> LinkageStats:
    """Platforms, social workers (certified), projects, activities, participants, beneficiaries,
    wishes published and fulfilled — for exactly the region-code prefix asked and the period
    [start, end). A region outside the caller's scope is refused (REGION_OUT_OF_SCOPE), never
    clipped. Without start and end: this calendar month in Beijing time."""
    caller(info, roles=STAFF_ROLES)
    if not is_region_prefix(region_code):
        raise bad_input("regionCode must be a GB/T 2260 prefix (2, 4, 6, 9 or 12 digits).", "行政区划前缀格式错误。")
    if (start is None) != (end is None):
        raise bad_input("Give both start and end, or neither (this month).", "起止时间须同时给出，或都不给（本月）。")
    if start is None or end is None:
        start, end = beijing_month(clock.now())
    if start.tzinfo is None or end.tzinfo is None or end <= start:
        raise bad_input(
            "start and end need time zones, and end must be after start.", "起止时间须带时区且结束晚于开始。"
        )
    period = {"region": region_code, "start": iso_utc(start), "end": iso_utc(end)}
    upstreams = info.context.upstreams
    case_raw, volunteer_raw, resource_raw = await asyncio.gather(
        upstreams.case.stats.get(**period),
        upstreams.volunteers.stats.get(**period),
        upstreams.resources.stats.get(**period),
        return_exceptions=True,
    )
    for raw in (case_raw, volunteer_raw, resource_raw):
        if isinstance(raw, UpstreamError) and raw.code == "REGION_OUT_OF_SCOPE":
            # Exactly the region asked, or nothing: one side's figures clipped would mislead.
            raise graphql_error(raw.code, str(raw), str(raw.problem.get("detail_zh", "")), region=region_code)
    return LinkageStats(
        region_code=region_code,
        start=start,
        end=end,
        case_raw=_fetched(case_raw),
        volunteer_raw=_fetched(volunteer_raw),
        resource_raw=_fetched(resource_raw),
    )


def _fetched(answer: S | BaseException) -> S | Exception:
    """A figure set, or the failure that stands for it (a cancellation is not an answer: re-raised)."""
    if isinstance(answer, BaseException) and not isinstance(answer, Exception):
        raise answer
    return answer


@strawberry.type
class StatsQueryFields:
    """The query fields this module resolves (merged into the schema's root type)."""

    linkage_stats = strawberry.field(resolver=linkage_stats)
