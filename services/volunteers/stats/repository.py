"""Statistics queries: aggregated in SQL over the caller's managed scope."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.auth import Principal
from services.volunteers.models import Activity, CareAssignment, SignUp, VisitLog
from services.volunteers.scoping import in_region, managed_activities, readable


def _held(principal: Principal, region: str, since: datetime | None, until: datetime | None) -> Any:
    conditions: list[ColumnElement[bool]] = [
        Activity.state == "completed",
        in_region(Activity.region, region),
        managed_activities(principal),
    ]
    if since is not None:
        conditions.append(Activity.starts_at >= since)
    if until is not None:
        conditions.append(Activity.starts_at < until)
    return and_(*conditions)


async def activity_counts(
    session: AsyncSession,
    principal: Principal,
    region: str,
    since: datetime | None,
    until: datetime | None,
) -> dict[str, int]:
    """Activities held, beneficiaries and participant person-times, in one statement."""
    held = _held(principal, region, since, until)
    volunteer_times = (
        readable(select(func.count(SignUp.id)), principal, SignUp)
        .join(Activity, Activity.id == SignUp.activity_id)
        .where(held, SignUp.checked_in_at.is_not(None))
        .scalar_subquery()
    )
    statement = readable(
        select(
            func.count(Activity.id).label("activities_held"),
            func.coalesce(func.sum(Activity.beneficiaries), 0).label("beneficiaries"),
            func.coalesce(func.sum(Activity.social_worker_participants), 0).label("social_worker"),
            func.coalesce(func.sum(Activity.donor_participants), 0).label("donor"),
            volunteer_times.label("volunteer"),
        ).where(held),
        principal,
        Activity,
    )
    row = (await session.execute(statement)).one()
    return {key: int(value) for key, value in row._mapping.items()}


async def visit_counts(
    session: AsyncSession,
    principal: Principal,
    region: str,
    since: datetime | None,
    until: datetime | None,
) -> dict[str, int]:
    """Care visits done, their minutes and the care needs they served (distinct needs with at least
    one done visit) in the period, in the caller's scope."""
    statement = readable(
        select(
            func.count(VisitLog.id).label("care_visits_done"),
            func.coalesce(func.sum(VisitLog.minutes), 0).label("care_minutes"),
            func.count(distinct(CareAssignment.need_id)).label("care_needs_served"),
        )
        .join(CareAssignment, CareAssignment.id == VisitLog.assignment_id)
        .where(VisitLog.outcome == "done", in_region(CareAssignment.region, region)),
        principal,
        VisitLog,
    )
    if since is not None:
        statement = statement.where(VisitLog.visited_at >= since)
    if until is not None:
        statement = statement.where(VisitLog.visited_at < until)
    row = (await session.execute(statement)).one()
    return {key: int(value) for key, value in row._mapping.items()}


async def figures_by_platform(
    session: AsyncSession,
    principal: Principal,
    region: str,
    since: datetime | None,
    until: datetime | None,
) -> dict[uuid.UUID, dict[str, int]]:
    """The same figures per organising platform (activities an organisation ran have none and are left out)."""
    figures: dict[uuid.UUID, dict[str, int]] = {}
    held = _held(principal, region, since, until)
    check_ins = (
        readable(select(SignUp.activity_id, func.count(SignUp.id).label("n")), principal, SignUp)
        .where(SignUp.checked_in_at.is_not(None))
        .group_by(SignUp.activity_id)
        .subquery()
    )
    activities = readable(
        select(
            Activity.platform_id,
            func.count(Activity.id),
            func.coalesce(func.sum(Activity.beneficiaries), 0),
            func.coalesce(func.sum(Activity.social_worker_participants), 0),
            func.coalesce(func.sum(Activity.donor_participants), 0),
            func.coalesce(func.sum(check_ins.c.n), 0),
        )
        .outerjoin(check_ins, check_ins.c.activity_id == Activity.id)
        .where(held, Activity.platform_id.is_not(None))
        .group_by(Activity.platform_id),
        principal,
        Activity,
    )
    names = ("activities_held", "beneficiaries", "social_worker", "donor", "volunteer")
    for platform_id, *values in (await session.execute(activities)).all():
        figures.setdefault(platform_id, {}).update(zip(names, map(int, values), strict=True))
    visits = readable(
        select(
            CareAssignment.platform_id,
            func.count(VisitLog.id),
            func.coalesce(func.sum(VisitLog.minutes), 0),
            func.count(distinct(CareAssignment.need_id)),
        )
        .join(CareAssignment, CareAssignment.id == VisitLog.assignment_id)
        .where(VisitLog.outcome == "done", in_region(CareAssignment.region, region))
        .group_by(CareAssignment.platform_id),
        principal,
        VisitLog,
    )
    if since is not None:
        visits = visits.where(VisitLog.visited_at >= since)
    if until is not None:
        visits = visits.where(VisitLog.visited_at < until)
    visit_names = ("care_visits_done", "care_minutes", "care_needs_served")
    for platform_id, *values in (await session.execute(visits)).all():
        figures.setdefault(platform_id, {}).update(zip(visit_names, map(int, values), strict=True))
    return figures
