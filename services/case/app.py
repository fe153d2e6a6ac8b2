"""Wushe case service (个案服务)."""

from fastapi import FastAPI

from services.case.cases.endpoints import router as cases_router
from services.case.imports.endpoints import router as imports_router
from services.case.kit import APP_EVENT_TYPES
from services.case.models import AuditEntry, IdempotencyRecord, OutboxEvent
from services.case.needs.endpoints import public_router as public_wishes_router
from services.case.needs.endpoints import router as needs_router
from services.case.needs.reconcile import reconcile_needs
from services.case.needs.service import lapse_and_expire
from services.case.platforms.endpoints import router as platforms_router
from services.case.projects.endpoints import router as projects_router
from services.case.recipients.endpoints import router as recipients_router
from services.case.stats.endpoints import router as stats_router
from services.common.app_factory import create_service_app
from services.common.audit_api import audit_router
from services.common.database import Database
from services.common.events import events_router
from services.common.settings import Settings, get_settings


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    resolved = settings or get_settings()
    return create_service_app(
        "case",
        "Wushe case service (个案服务)",
        routers=[
            platforms_router,
            recipients_router,
            cases_router,
            needs_router,
            public_wishes_router,
            projects_router,
            stats_router,
            imports_router,
            events_router(OutboxEvent, APP_EVENT_TYPES),
            audit_router(AuditEntry),
        ],
        idempotency_model=IdempotencyRecord,
        settings=settings,
        database=database,
        description="Platforms, recipients, cases and needs of the township social-work stations.",
        background=[
            ("need expiry", resolved.expiry_interval_s, lapse_and_expire),
            ("link reconciler", resolved.reconcile_interval_s, lambda db: reconcile_needs(db, resolved)),
        ],
    )
