"""`/healthz` (the process is alive) and `/readyz` (database reachable, migrations at head)."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from services.common.database import Database
from services.common.migrations import current_revision, head_revision, known_revisions


def health_router(service: str) -> APIRouter:
    router = APIRouter(tags=["health"])
    head = head_revision(service)
    known = known_revisions(service)

    @router.get("/healthz", summary="Liveness")
    async def healthz() -> dict[str, str]:
        """The process answers. Says nothing about the database."""
        return {"status": "ok", "service": service}

    @router.get("/readyz", summary="Readiness", responses={503: {"description": "Not ready"}})
    async def readyz(request: Request) -> JSONResponse:
        """Ready when the database answers and this service's migrations are at head."""
        database: Database = request.app.state.db
        body: dict[str, Any] = {"service": service, "head": head}
        try:
            async with database.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
            body["revision"] = await current_revision(database.engine, service)
        except Exception as exc:  # any failure to reach the database means "not ready"
            body.update(status="unavailable", reason=f"database: {type(exc).__name__}")
            return JSONResponse(body, status_code=503)
        revision = body["revision"]
        if revision != head and revision in known:
            # Behind: this code needs migrations that have not run. (A revision this code does not
            # know is newer: during a rolling deploy the old replicas keep serving.)
            body.update(status="unavailable", reason="migrations not at head")
            return JSONResponse(body, status_code=503)
        body["status"] = "ready"
        return JSONResponse(body)

    return router
