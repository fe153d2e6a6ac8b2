"""`GET /v1/audit`: the append-only audit trail, for civil-affairs admins and centre staff, each
reading the rows of the records in their scope (`services/common/record_scope.py`)."""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict

from services.common.auth import CurrentPrincipal
from services.common.database import DbSession
from services.common.fields import StorableText
from services.common.record_scope import visible_records
from services.common.vocabulary import Role


class AuditRow(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    actor: str
    role: str
    action: str
    entity: str
    entity_id: str
    fields: list[str]
    request_id: str | None


class AuditPage(BaseModel):
    items: list[AuditRow]
    next_after: int


def audit_router(model: type[Any]) -> APIRouter:
    from sqlalchemy import select

    router = APIRouter(prefix="/v1", tags=["audit"])

    @router.get("/audit", response_model=AuditPage)
    async def list_audit(
        principal: CurrentPrincipal,
        session: DbSession,
        entity_id: Annotated[Annotated[str, StorableText(100, strip=False)] | None, Query()] = None,
        actor: Annotated[Annotated[str, StorableText(200, strip=False)] | None, Query()] = None,
        action: Annotated[Annotated[str, StorableText(60, strip=False)] | None, Query()] = None,
        after: Annotated[int, Query(ge=0, le=2**63 - 1)] = 0,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
    ) -> AuditPage:
        """Who read or changed what, oldest first: every write and every unmasked read of personal data."""
        principal.require_role(Role.CIVIL_AFFAIRS_ADMIN, Role.CENTRE_STAFF)
        statement = select(model).where(model.id > after, visible_records(principal, model))
        statement = statement.order_by(model.id).limit(limit)
        for column, value in (("entity_id", entity_id), ("actor", actor), ("action", action)):
            if value is not None:
                statement = statement.where(getattr(model, column) == value)
        rows = [AuditRow.model_validate(r) for r in (await session.scalars(statement)).all()]
        return AuditPage(items=rows, next_after=rows[-1].id if rows else after)

    return router
