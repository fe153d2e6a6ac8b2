"""Every query on organisations."""

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, literal, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.auth import Principal
from services.common.pagination import fetch_page
from services.resources.models import Organization
from services.resources.scoping import readable


async def insert_unless_code_taken(session: AsyncSession, values: dict[str, Any]) -> Organization | None:
    """The new organisation, or None when its credit code is already registered."""
    statement = (
        insert(Organization)
        .values(id=uuid.uuid4(), **values)
        .on_conflict_do_nothing(index_elements=[Organization.credit_code])
        .returning(Organization)
    )
    return (await session.scalars(statement)).one_or_none()


async def get_readable(
    session: AsyncSession,
    principal: Principal | None,
    org_id: uuid.UUID,
    *,
    for_update: bool = False,
) -> Organization | None:
    statement = readable(select(Organization).where(Organization.id == org_id), principal)
    if for_update:
        statement = statement.with_for_update()
    return (await session.scalars(statement)).one_or_none()


async def list_readable(
    session: AsyncSession,
    principal: Principal,
    *,
    kind: str | None,
    verification_status: str | None,
    region: str | None,
    cursor: str | None,
    limit: int,
) -> tuple[Sequence[Organization], str | None]:
    statement = readable(select(Organization), principal)
    if kind:
        statement = statement.where(Organization.kind == kind)
    if verification_status:
        statement = statement.where(Organization.verification_status == verification_status)
    if region:
        code = func.unnest(Organization.service_regions).table_valued("code").render_derived()
        statement = statement.where(select(1).select_from(code).where(literal(region).startswith(code.c.code)).exists())
    return await fetch_page(session, statement, Organization.created_at, Organization.id, cursor, limit)


async def batch_readable(session: AsyncSession, principal: Principal, ids: list[uuid.UUID]) -> Sequence[Organization]:
    statement = readable(select(Organization).where(Organization.id.in_(ids)), principal)
    return (await session.scalars(statement)).all()


async def update_fields(
    session: AsyncSession, org_id: uuid.UUID, version: int, values: dict[str, Any]
) -> Organization | None:
    """Apply `values` if the row is still at `version`; None when someone changed it meanwhile."""
    statement = (
        update(Organization)
        .where(Organization.id == org_id, Organization.version == version)
        .values(**values, version=Organization.version + 1)
        .returning(Organization)
        .execution_options(populate_existing=True)
    )
    return (await session.scalars(statement)).one_or_none()
