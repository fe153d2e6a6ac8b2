"""Aggregates for the charity side of the linkage statistics, within the caller's scope."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import and_, case, exists, func, not_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from services.common.auth import Principal
from services.common.vocabulary import OrganizationKind
from services.resources.models import Hold, LedgerEntry, Offer, Organization, Pledge
from services.resources.scoping import prefixes_overlap, readable


async def fund_flows(
    session: AsyncSession, principal: Principal, region: str, start: datetime, end: datetime, *, own: bool
) -> tuple[Decimal, Decimal, int]:
    """(raised, disbursed, donation count) in [start, end) of the region's own funds (`own`: the fund's
    region lies within the region asked, so a township's and its county's own figures add up) or of
    the wider funds it may draw on (the fund's region strictly contains the region asked).

    A donor's pledged money is only promised until its wish receives it (the pledge's hold is
    delivered): until then its fund is left out, and a claim that did not stand never counts."""
    promised = select(Pledge.offer_id).join(Hold, Hold.id == Pledge.hold_id).where(Hold.state != "delivered")
    where = (
        Offer.region_prefix.startswith(region, autoescape=True)
        if own
        else and_(
            prefixes_overlap(Offer.region_prefix, region), not_(Offer.region_prefix.startswith(region, autoescape=True))
        )
    )
    funds = readable(select(Offer.id).where(where, Offer.id.not_in(promised)), principal)
    # A correction is a reversing entry (books the opposite amount of its original, in the period it
    # is booked): a reversed donation is raised and counted no more, a reversed payment not disbursed.
    original = aliased(LedgerEntry)
    reverses = select(original.kind).where(original.id == LedgerEntry.reverses_id).scalar_subquery()
    reversal = LedgerEntry.kind == "reversal"
    is_donation = (LedgerEntry.kind == "donation") | (reversal & (reverses == "donation"))
    is_payment = (LedgerEntry.kind == "disbursement") | (reversal & (reverses == "disbursement"))
    signed_count = case((reversal, -1), else_=1)
    raised, disbursed, donations = (
        await session.execute(
            select(
                func.coalesce(func.sum(LedgerEntry.amount).filter(is_donation), 0),
                func.coalesce(-func.sum(LedgerEntry.amount).filter(is_payment), 0),
                func.coalesce(func.sum(signed_count).filter(is_donation), 0),
            ).where(LedgerEntry.created_at >= start, LedgerEntry.created_at < end, LedgerEntry.fund_id.in_(funds))
        )
    ).one()
    return Decimal(raised), Decimal(disbursed), int(donations)


async def offers_published(
    session: AsyncSession, principal: Principal, region: str, start: datetime, end: datetime
) -> int:
    statement = (
        select(func.count())
        .select_from(Offer)
        .where(
            prefixes_overlap(Offer.region_prefix, region),
            Offer.status != "draft",
            Offer.created_at >= start,
            Offer.created_at < end,
        )
    )
    return int(await session.scalar(readable(statement, principal)) or 0)


async def pledges_made(session: AsyncSession, principal: Principal, region: str, start: datetime, end: datetime) -> int:
    statement = (
        select(func.count())
        .select_from(Pledge)
        .where(Pledge.need_region.startswith(region), Pledge.created_at >= start, Pledge.created_at < end)
    )
    return int(await session.scalar(readable(statement, principal)) or 0)


async def foundations_serving(session: AsyncSession, principal: Principal, region: str) -> int:
    """Verified community foundations (社区发展基金会) with a service region within or containing the
    region asked (all time): a foundation serving a county serves each of its townships too."""
    served = func.unnest(Organization.service_regions).table_valued("code").render_derived()
    statement = (
        select(func.count())
        .select_from(Organization)
        .where(
            Organization.kind == OrganizationKind.COMMUNITY_FOUNDATION.value,
            Organization.verification_status == "verified",
            exists(select(1).select_from(served).where(prefixes_overlap(served.c.code, region))),
        )
    )
    return int(await session.scalar(readable(statement, principal)) or 0)


async def pledges_by_platform(
    session: AsyncSession, principal: Principal, region: str, start: datetime, end: datetime
) -> dict[str, int]:
    """Pledges made in [start, end) for needs of the region, by the need's platform (the last id of its path)."""
    platform = func.regexp_replace(Pledge.platform_path, r"^.*/([^/]+)/$", r"\1")
    statement = (
        select(platform, func.count())
        .where(
            Pledge.need_region.startswith(region),
            Pledge.platform_path != "",
            Pledge.created_at >= start,
            Pledge.created_at < end,
        )
        .group_by(platform)
    )
    return {
        str(platform_id): int(n) for platform_id, n in (await session.execute(readable(statement, principal))).all()
    }
