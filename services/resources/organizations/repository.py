"""Every query on organisations."""

import uuid
from typing import Any

from sqlalchemy import ColumnElement, func, literal, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.repository import ScopedRepository, equals, filter_set, first_entity_scope
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


def _serves_region(region: str) -> ColumnElement[bool]:
    code = func.unnest(Organization.service_regions).table_valued("code").render_derived()
    return select(1).select_from(code).where(literal(region).startswith(code.c.code)).exists()


class OrganizationRepository(ScopedRepository[Organization]):
    model = Organization
    filters = filter_set(
        kind=equals(Organization.kind),
        verification_status=equals(Organization.verification_status),
        region=_serves_region,
    )


organizations = OrganizationRepository(first_entity_scope(readable))
get, get_many, search = organizations.get, organizations.get_many, organizations.search


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
