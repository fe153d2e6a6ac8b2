"""Projects group cases, needs and activities at a platform (e.g. 圆梦微心愿, 空巢不空)."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from services.case.kit import record_change
from services.case.models import Project
from services.case.platforms import service as platforms
from services.case.projects import repository
from services.case.projects.schemas import ProjectCreate
from services.case.scoping import can_write
from services.common.auth import Principal
from services.common.changes import RecordScope
from services.common.errors import Forbidden, NotFound


async def get(session: AsyncSession, principal: Principal, project_id: uuid.UUID) -> Project:
    project = await repository.get(session, principal, project_id)
    if project is None:
        raise NotFound("Project not found.", "未找到该服务项目。")
    return project


async def create(session: AsyncSession, principal: Principal, data: ProjectCreate) -> Project:
    if not can_write(principal):
        raise Forbidden("Only platform staff create projects.", "只有社工平台工作人员可以创建服务项目。")
    platform = await platforms.writable(session, principal, data.platform_id)
    project = Project(
        platform_id=platform.id,
        region_code=platform.region_code,
        name=data.name,
        is_brand=data.is_brand,
        description=data.description,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
    )
    await repository.add(session, project)
    await record_change(
        session,
        principal,
        action="create",
        entity="project",
        entity_id=project.id,
        scope=RecordScope(region_code=project.region_code, platform_path=platform.path),
        event="project.created",
        payload={"name": project.name},
    )
    return project
