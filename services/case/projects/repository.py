"""Every query for projects."""

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.case.models import Project
from services.case.scoping import readable
from services.common.auth import Principal
from services.common.pagination import fetch_page


async def get(session: AsyncSession, principal: Principal, project_id: uuid.UUID) -> Project | None:
    return await session.scalar(readable(select(Project).where(Project.id == project_id), principal, Project))


async def get_many(session: AsyncSession, principal: Principal, ids: list[uuid.UUID]) -> Sequence[Project]:
    return (await session.scalars(readable(select(Project).where(Project.id.in_(ids)), principal, Project))).all()


async def search(
    session: AsyncSession,
    principal: Principal,
    *,
    platform_id: uuid.UUID | None,
    is_brand: bool | None,
    cursor: str | None,
    limit: int,
) -> tuple[Sequence[Project], str | None]:
    statement = readable(select(Project), principal, Project)
    if platform_id:
        statement = statement.where(Project.platform_id == platform_id)
    if is_brand is not None:
        statement = statement.where(Project.is_brand.is_(is_brand))
    return await fetch_page(session, statement, Project.created_at, Project.id, cursor, limit)


async def add(session: AsyncSession, project: Project) -> Project:
    session.add(project)
    await session.flush()
    return project
