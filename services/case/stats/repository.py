"""Linkage statistics from the case side, aggregated in SQL within the caller's scope."""

import uuid
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import String, and_, case, cast, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.case.models import Case, Need, Platform, Project, ServiceRecord, Staff
from services.case.scoping import readable, readable_platforms
from services.common.auth import Principal
from services.common.clock import beijing, beijing_midnight


async def platform_counts(session: AsyncSession, principal: Principal, region: str) -> dict[str, int]:
    statement = readable_platforms(
        select(Platform.level, func.count()).where(Platform.region_code.startswith(region)).group_by(Platform.level),
        principal,
    )
    return {level: count for level, count in (await session.execute(statement)).all()}


async def staff_counts(session: AsyncSession, principal: Principal, region: str) -> tuple[int, int]:
    platforms = readable_platforms(select(Platform.id).where(Platform.region_code.startswith(region)), principal)
    # A person counts once however many posts they hold in the region (issue 17): by ID number,
    # else phone, else the record itself.
    person = func.coalesce(Staff.id_number_hash, Staff.phone_hash, cast(Staff.id, String))
    statement = select(
        func.count(distinct(person)), func.count(distinct(person)).filter(Staff.certification != "none")
    ).where(Staff.active.is_(True), Staff.platform_id.in_(platforms))
    total, certified = (await session.execute(statement)).one()
    return int(total), int(certified)


async def project_counts(session: AsyncSession, principal: Principal, region: str) -> tuple[int, int]:
    statement = readable(
        select(func.count(), func.count().filter(Project.is_brand.is_(True))).where(
            Project.region_code.startswith(region)
        ),
        principal,
        Project,
    )
    total, brand = (await session.execute(statement)).one()
    return int(total), int(brand)


def first_beijing_day(moment: datetime) -> date:
    """The first Beijing day starting at or after `moment`: a service record's day is in [start, end)
    when its Beijing midnight is (a record carries a Beijing date, not an instant)."""
    day = beijing(moment).date()
    return day if beijing_midnight(day) >= moment else day + timedelta(days=1)


async def service_counts(
    session: AsyncSession, principal: Principal, region: str, start: datetime, end: datetime
) -> tuple[int, int]:
    statement = readable(
        select(func.count(), func.coalesce(func.sum(ServiceRecord.beneficiaries), 0)).where(
            ServiceRecord.region_code.startswith(region),
            ServiceRecord.served_on >= first_beijing_day(start),
            ServiceRecord.served_on < first_beijing_day(end),
        ),
        principal,
        ServiceRecord,
    )
    records, beneficiaries = (await session.execute(statement)).one()
    return int(records), int(beneficiaries)


async def case_counts(
    session: AsyncSession, principal: Principal, region: str, start: datetime, end: datetime
) -> dict[str, int]:
    statement = readable(
        select(
            func.count().filter(Case.opened_at >= start, Case.opened_at < end),
            func.count().filter(Case.closed_at >= start, Case.closed_at < end),
        ).where(Case.region_code.startswith(region)),
        principal,
        Case,
    )
    opened, closed = (await session.execute(statement)).one()
    return {"opened": int(opened), "closed": int(closed)}


async def need_counts(
    session: AsyncSession, principal: Principal, region: str, start: datetime, end: datetime
) -> list[Any]:
    published = func.count().filter(Need.created_at >= start, Need.created_at < end)
    fulfilled = func.count().filter(Need.fulfilled_at >= start, Need.fulfilled_at < end)
    # A funding need's value is its amount (met in full once fulfilled); a wish's is its estimate.
    worth = case((Need.kind == "funding", Need.amount), else_=Need.estimated_value)
    value = func.coalesce(func.sum(worth).filter(Need.fulfilled_at >= start, Need.fulfilled_at < end), 0)
    statement = readable(
        select(Need.kind, published, fulfilled, value).where(Need.region_code.startswith(region)).group_by(Need.kind),
        principal,
        Need,
    )
    return list((await session.execute(statement)).all())


async def platforms_of(session: AsyncSession, principal: Principal, region: str) -> list[Any]:
    """(id, name, level, region_code) of the region's platforms the caller may see, by path."""
    statement = readable_platforms(
        select(Platform.id, Platform.name, Platform.level, Platform.region_code)
        .where(Platform.region_code.startswith(region))
        .order_by(Platform.path),
        principal,
    )
    return list((await session.execute(statement)).all())


async def figures_by_platform(
    session: AsyncSession, principal: Principal, region: str, start: datetime, end: datetime
) -> dict[uuid.UUID, dict[str, Any]]:
    """The additive case figures and people of each platform of the region: {platform id: {figure: value}}."""
    figures: dict[uuid.UUID, dict[str, Any]] = {}

    def put(rows: Any, *names: str) -> None:
        for platform_id, *values in rows:
            figures.setdefault(platform_id, {}).update(zip(names, values, strict=True))

    person = func.coalesce(Staff.id_number_hash, Staff.phone_hash, cast(Staff.id, String))
    platforms = readable_platforms(select(Platform.id).where(Platform.region_code.startswith(region)), principal)
    staff = select(
        Staff.platform_id,
        func.count(distinct(person)),
        func.count(distinct(person)).filter(Staff.certification != "none"),
    ).where(Staff.active.is_(True), Staff.platform_id.in_(platforms))
    put(await session.execute(staff.group_by(Staff.platform_id)), "social_workers", "certified_social_workers")
    projects = readable(
        select(Project.platform_id, func.count(), func.count().filter(Project.is_brand.is_(True))).where(
            Project.region_code.startswith(region)
        ),
        principal,
        Project,
    )
    put(await session.execute(projects.group_by(Project.platform_id)), "projects", "brand_projects")
    services = readable(
        select(ServiceRecord.platform_id, func.count(), func.coalesce(func.sum(ServiceRecord.beneficiaries), 0)).where(
            ServiceRecord.region_code.startswith(region),
            ServiceRecord.served_on >= first_beijing_day(start),
            ServiceRecord.served_on < first_beijing_day(end),
        ),
        principal,
        ServiceRecord,
    )
    put(await session.execute(services.group_by(ServiceRecord.platform_id)), "service_records", "beneficiaries")
    cases = readable(
        select(
            Case.platform_id,
            func.count().filter(Case.opened_at >= start, Case.opened_at < end),
            func.count().filter(Case.closed_at >= start, Case.closed_at < end),
        ).where(Case.region_code.startswith(region)),
        principal,
        Case,
    )
    put(await session.execute(cases.group_by(Case.platform_id)), "cases_opened", "cases_closed")
    met = and_(Need.fulfilled_at >= start, Need.fulfilled_at < end)
    worth = case((Need.kind == "funding", Need.amount), else_=Need.estimated_value)
    needs = readable(
        select(Need.platform_id, func.count().filter(met), func.coalesce(func.sum(worth).filter(met), 0)).where(
            Need.region_code.startswith(region)
        ),
        principal,
        Need,
    )
    put(await session.execute(needs.group_by(Need.platform_id)), "wishes_met", "wishes_met_value")
    return figures
