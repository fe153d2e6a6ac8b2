"""Every query for projects."""

from sqlalchemy.ext.asyncio import AsyncSession

from services.case.models import Project
from services.case.scoping import readable
from services.common.repository import ScopedRepository, equals, filter_set


class ProjectRepository(ScopedRepository[Project]):
    model = Project
    filters = filter_set(platform_id=equals(Project.platform_id), is_brand=lambda value: Project.is_brand.is_(value))


projects = ProjectRepository(readable)
get, get_many, search = projects.get, projects.get_many, projects.search


async def add(session: AsyncSession, project: Project) -> Project:
    session.add(project)
    await session.flush()
    return project
