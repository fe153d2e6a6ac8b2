"""Every query for cases, their transitions, service records and referrals."""

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.case.models import Case, CaseTransition, Referral, ServiceRecord
from services.case.scoping import readable
from services.common.auth import Principal
from services.common.pagination import fetch_page


async def get(session: AsyncSession, principal: Principal, case_id: uuid.UUID, *, lock: bool = False) -> Case | None:
    statement = readable(select(Case).where(Case.id == case_id), principal, Case)
    if lock:
        statement = statement.with_for_update()
    return await session.scalar(statement)


async def get_many(session: AsyncSession, principal: Principal, ids: list[uuid.UUID]) -> Sequence[Case]:
    statement = readable(select(Case).where(Case.id.in_(ids)), principal, Case)
    return (await session.scalars(statement)).all()


async def search(
    session: AsyncSession, principal: Principal, *, cursor: str | None, limit: int, **filters: Any
) -> tuple[Sequence[Case], str | None]:
    statement = readable(select(Case), principal, Case)
    for field in ("platform_id", "recipient_id", "project_id", "domain", "state", "risk_level", "assigned_worker_id"):
        if filters.get(field) is not None:
            statement = statement.where(getattr(Case, field) == filters[field])
    if filters.get("region"):
        statement = statement.where(Case.region_code.startswith(filters["region"]))
    return await fetch_page(session, statement, Case.created_at, Case.id, cursor, limit)


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
