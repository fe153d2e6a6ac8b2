"""`linkageStats`: the figures of the civil-affairs report, aggregated by each service in SQL.

Each service answers for its own side in one call; if one is down, its group is null with an
UPSTREAM_UNAVAILABLE error and the other groups still arrive.
"""

import asyncio
import datetime as dt
from decimal import Decimal
from typing import Any

import strawberry
from strawberry.types import Info

from gateway.auth import caller
from gateway.clients.base import UpstreamError
from gateway.context import GatewayContext
from gateway.errors import bad_input, graphql_error
from services.common.clock import beijing_month, clock, iso_utc
from services.common.regions import is_region_prefix
from services.common.vocabulary import STAFF_ROLES

GInfo = Info[GatewayContext, None]


@strawberry.type
class PlatformCounts:
    county_centres: int
    stations: int
    community_rooms: int


@strawberry.type
class WishFigures:
    kind: str
    published: int
    fulfilled: int
    fulfilled_value: Decimal


@strawberry.type(description="The social-work side: platforms, workers, projects, services, needs.")
class CaseFigures:
    platforms: PlatformCounts
    social_workers: int
    certified_social_workers: int
    projects: int
    brand_projects: int
    service_records: int
    beneficiary_person_times: int
    cases_opened: int
    cases_closed: int
    needs: list[WishFigures]


@strawberry.type(description="The volunteer side: activities and who took part.")
class VolunteerFigures:
    activities_held: int
    volunteer_person_times: int
    social_worker_person_times: int
    donor_person_times: int
    beneficiary_person_times: int
    care_visits_done: int
    care_minutes: int


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
    offers_published: int
    pledges: int


@strawberry.type(description="Linkage statistics (五社联动) for a region and period.")
class LinkageStats:
    region_code: str
    start: dt.datetime
    end: dt.datetime
    case_raw: strawberry.Private[Any]
    volunteer_raw: strawberry.Private[Any]
    resource_raw: strawberry.Private[Any]

    @strawberry.field
    def fund_side(self) -> FundFigures | None:
        r = _or_raise(self.resource_raw)
        return FundFigures(
            funds_raised=Decimal(r["funds_raised"]),
            funds_disbursed=Decimal(r["funds_disbursed"]),
            donations=r["donations"],
            drawable_funds_raised=Decimal(r["drawable_funds_raised"]),
            drawable_funds_disbursed=Decimal(r["drawable_funds_disbursed"]),
            offers_published=r["offers_published"],
            pledges=r["pledges"],
        )

    @strawberry.field
    def case_side(self) -> CaseFigures | None:
        r = _or_raise(self.case_raw)
        p = r["platforms"]
        return CaseFigures(
            platforms=PlatformCounts(
                county_centres=p.get("county_centre", 0),
                stations=p.get("station", 0),
                community_rooms=p.get("community_room", 0),
            ),
            social_workers=r["social_workers"],
            certified_social_workers=r["certified_social_workers"],
            projects=r["projects"],
            brand_projects=r["brand_projects"],
            service_records=r["service_records"],
            beneficiary_person_times=r["beneficiaries"],
            cases_opened=r["cases_opened"],
            cases_closed=r["cases_closed"],
            needs=[
                WishFigures(
                    kind=n["kind"],
                    published=n["published"],
                    fulfilled=n["fulfilled"],
                    fulfilled_value=Decimal(n["fulfilled_value"]),
                )
                for n in r["needs"]
            ],
        )

    @strawberry.field
    def volunteer_side(self) -> VolunteerFigures | None:
        r = _or_raise(self.volunteer_raw)
        times = r["participant_person_times"]
        return VolunteerFigures(
            activities_held=r["activities_held"],
            volunteer_person_times=times["volunteer"],
            social_worker_person_times=times["social_worker"],
            donor_person_times=times["donor"],
            beneficiary_person_times=r["beneficiaries"],
            care_visits_done=r["care_visits_done"],
            care_minutes=r["care_minutes"],
        )


def _or_raise(value: Any) -> Any:
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
    params = {"region": region_code, "from": iso_utc(start), "to": iso_utc(end)}
    upstreams = info.context.upstreams
    case_raw, volunteer_raw, resource_raw = await asyncio.gather(
        upstreams.case.get("/v1/stats", **params),
        upstreams.volunteers.get("/v1/stats", **params),
        upstreams.resources.get("/v1/stats", **params),
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
        case_raw=case_raw,
        volunteer_raw=volunteer_raw,
        resource_raw=resource_raw,
    )
