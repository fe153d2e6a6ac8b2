"""Every query for cases, their transitions, service records and referrals."""

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.case.models import Case, CaseTransition, Referral, ServiceRecord
from services.case.scoping import readable
from services.common.auth import Principal
from services.common.repository import ScopedRepository, equals, filter_set, prefix

FILTERS = ("platform_id", "recipient_id", "project_id", "domain", "state", "risk_level", "assigned_worker_id")


class CaseRepository(ScopedRepository[Case]):
    model = Case
    filters = filter_set(
        **{name: equals(getattr(Case, name)) for name in FILTERS},
        region=prefix(Case.region_code),
    )


cases = CaseRepository(readable)
get, get_many, search = cases.get, cases.get_many, cases.search


async def add(session: AsyncSession, row: Any) -> None:
    session.add(row)
    await session.flush()


async def transitions(session: AsyncSession, principal: Principal, case_id: uuid.UUID) -> Sequence[CaseTransition]:
    visible = readable(select(Case.id), principal, Case)
    statement = (
        select(CaseTransition)
        .where(CaseTransition.case_id == case_id, CaseTransition.case_id.in_(visible))
        .order_by(CaseTransition.at, CaseTransition.id)
    )
    return (await session.scalars(statement)).all()


async def records(session: AsyncSession, principal: Principal, case_id: uuid.UUID) -> Sequence[ServiceRecord]:
    statement = readable(select(ServiceRecord).where(ServiceRecord.case_id == case_id), principal, ServiceRecord)
    return (await session.scalars(statement.order_by(ServiceRecord.served_on, ServiceRecord.id))).all()


async def referrals(session: AsyncSession, principal: Principal, case_id: uuid.UUID) -> Sequence[Referral]:
    statement = readable(select(Referral).where(Referral.case_id == case_id), principal, Referral)
    return (await session.scalars(statement.order_by(Referral.created_at, Referral.id))).all()


async def get_referral(session: AsyncSession, principal: Principal, referral_id: uuid.UUID) -> Referral | None:
    statement = readable(select(Referral).where(Referral.id == referral_id), principal, Referral)
    return await session.scalar(statement.with_for_update())


async def records_by_id(session: AsyncSession, principal: Principal, ids: list[uuid.UUID]) -> Sequence[ServiceRecord]:
    """Service records by id, those the caller may read."""
    statement = readable(select(ServiceRecord).where(ServiceRecord.id.in_(ids)), principal, ServiceRecord)
    return (await session.scalars(statement)).all()


async def referrals_by_id(session: AsyncSession, principal: Principal, ids: list[uuid.UUID]) -> Sequence[Referral]:
    """Referrals by id, those the caller may read."""
    statement = readable(select(Referral).where(Referral.id.in_(ids)), principal, Referral)
    return (await session.scalars(statement)).all()


async def transitions_by_id(
    session: AsyncSession, principal: Principal, ids: list[uuid.UUID]
) -> Sequence[CaseTransition]:
    """Steps of cases the caller may read, by id."""
    visible = readable(select(Case.id), principal, Case)
    statement = select(CaseTransition).where(CaseTransition.id.in_(ids), CaseTransition.case_id.in_(visible))
    return (await session.scalars(statement)).all()
