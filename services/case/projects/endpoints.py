"""HTTP routes for projects (服务项目)."""

import uuid

from fastapi import APIRouter, Response

from services.case.models import IdempotencyRecord
from services.case.projects import repository, service
from services.case.projects.schemas import Project, ProjectCreate
from services.common.auth import CurrentPrincipal
from services.common.batch import BatchIds, parse_batch_ids
from services.common.database import DbSession
from services.common.idempotency import IdempotencyKey, run_idempotent
from services.common.pagination import Cursor, Page, PageSize

router = APIRouter(prefix="/v1", tags=["projects"])


@router.get("/projects", response_model=Page[Project])
async def list_projects(
    principal: CurrentPrincipal,
    session: DbSession,
    platform_id: uuid.UUID | None = None,
    is_brand: bool | None = None,
    cursor: Cursor = None,
    limit: PageSize = 20,
) -> Page[Project]:
    """Pilot and brand projects in the caller's scope."""
    rows, next_cursor = await repository.search(
        session, principal, platform_id=platform_id, is_brand=is_brand, cursor=cursor, limit=limit
    )
    return Page(items=[Project.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.get("/projects:batch", response_model=Page[Project])
async def batch_projects(principal: CurrentPrincipal, session: DbSession, ids: BatchIds) -> Page[Project]:
    """Several projects by id."""
    rows = await repository.get_many(session, principal, parse_batch_ids(ids))
    return Page(items=[Project.model_validate(r) for r in rows])


@router.get("/projects/{project_id}", response_model=Project)
async def get_project(project_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession) -> Project:
    """One project."""
    return Project.model_validate(await service.get(session, principal, project_id))


@router.post("/projects", status_code=201, response_model=Project)
async def create_project(
    data: ProjectCreate, principal: CurrentPrincipal, session: DbSession, key: IdempotencyKey = None
) -> Response:
    """Start a pilot or brand project at a platform."""

    async def create() -> Project:
        return Project.model_validate(await service.create(session, principal, data))

    return await run_idempotent(session, IdempotencyRecord, principal, key, "create_project", data, create)
