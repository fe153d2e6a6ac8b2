"""`create_service_app`: what every service's app has in common."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI

from services.common.auth import TokenVerifier
from services.common.clock import clock
from services.common.database import Database
from services.common.errors import install_error_handlers
from services.common.health import health_router
from services.common.idempotency import purge_expired
from services.common.log_setup import configure_logging
from services.common.observability import instrument
from services.common.request_context import RequestIdMiddleware
from services.common.settings import Settings, get_settings


def create_service_app(
    service: str,
    title: str,
    routers: Sequence[APIRouter],
    settings: Settings | None = None,
    database: Database | None = None,
    description: str = "",
    background: Sequence["BackgroundJob"] = (),
    idempotency_model: type[Any] | None = None,
) -> FastAPI:
    """An app with health routes, problem+json errors, request ids, JSON logs and auth.

    `database` lets tests hand in an engine bound to their own connection; otherwise the app
    connects to `settings.database_url` at start-up and disposes the pool at shutdown.
    `background` jobs (hold expiry, ...) run in every replica while the app runs; each must be
    safe alongside the same job in other replicas (row locks with SKIP LOCKED).
    `idempotency_model` (the service's idempotency table) gets its records purged hourly once they
    are older than `WUSHE_IDEMPOTENCY_RETENTION_DAYS`.
    """
    settings = settings or get_settings()
    settings.require_production_secrets()
    clock.configure(settings)

    configure_logging(service, settings.log_level, settings.log_json)
    if idempotency_model is not None:
        model, days = idempotency_model, settings.idempotency_retention_days
        background = [*background, ("idempotency purge", 3600.0, lambda db: purge_expired(db, model, days))]

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = database is None
        app.state.db = database or Database.connect(
            settings.database_url, settings.db_pool_size, settings.db_max_overflow
        )
        tasks = [asyncio.create_task(_run_periodically(job, app.state.db)) for job in background]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            if owned:
                await app.state.db.dispose()

    app = FastAPI(title=title, description=description, version="0.1.0", lifespan=lifespan)
    app.state.settings = settings
    app.state.verifier = TokenVerifier(settings)
    if database is not None:
        app.state.db = database
    instrument(app, service, settings)
    app.add_middleware(RequestIdMiddleware)
    install_error_handlers(app)
    app.include_router(health_router(service))
    for router in routers:
        app.include_router(router)
    document_bearer_auth(app)
    return app


BEARER_SCHEME = {
    "type": "http",
    "scheme": "bearer",
    "bearerFormat": "JWT",
    "description": "An access token from the OIDC provider (in development: `wushe token --role …`). "
    "Public reads (health, the public wish feed) need none.",
}


def document_bearer_auth(app: FastAPI) -> None:
    """The OpenAPI document names the bearer scheme, so `/docs` has an Authorize button and
    clients know how to authenticate; a token is optional at the document level because some
    routes are public (each route says what it needs in its own refusals)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            schema.setdefault("components", {}).setdefault("securitySchemes", {})["bearerAuth"] = BEARER_SCHEME
            schema["security"] = [{"bearerAuth": []}, {}]
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


BackgroundJob = tuple[str, float, Callable[[Database], Awaitable[object]]]
"""(name, interval in seconds, job): the job is called with the app's Database every interval."""

logger = logging.getLogger("wushe.background")


async def _run_periodically(job: BackgroundJob, database: Database) -> None:
    name, interval_s, run = job
    while True:
        try:
            await run(database)
        except Exception:  # a failing run is logged and retried at the next tick
            logger.exception("background job %s failed", name)
        await asyncio.sleep(interval_s)
