"""Wushe volunteers service (志愿者服务)."""

from fastapi import FastAPI

from services.common.app_factory import create_service_app
from services.common.audit_api import audit_router
from services.common.database import Database
from services.common.events import events_router
from services.common.settings import Settings, get_settings
from services.volunteers.activities.endpoints import router as activities_router
from services.volunteers.assignments.endpoints import router as assignments_router
from services.volunteers.assignments.reconcile import reconcile_assignments
from services.volunteers.hours.endpoints import entries_router as hours_entries_router
from services.volunteers.hours.endpoints import requests_router as correction_requests_router
from services.volunteers.hours.endpoints import router as hours_router
from services.volunteers.models import AuditEntry, IdempotencyRecord, OutboxEvent
from services.volunteers.signups.endpoints import router as signups_router
from services.volunteers.stats.endpoints import router as stats_router
from services.volunteers.teams.endpoints import router as teams_router
from services.volunteers.volunteers.endpoints import router as volunteers_router


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    resolved = settings or get_settings()
    return create_service_app(
        "volunteers",
        "Wushe volunteers service (志愿者服务)",
        routers=[
            volunteers_router,
            hours_router,
            correction_requests_router,
            hours_entries_router,
            teams_router,
            activities_router,
            signups_router,
            assignments_router,
            stats_router,
            events_router(OutboxEvent),
            audit_router(AuditEntry),
        ],
        idempotency_model=IdempotencyRecord,
        settings=resolved,
        database=database,
        description="Volunteers, teams, activities, service hours and care assignments.",
        background=[
            ("assignment reconciler", resolved.reconcile_interval_s, lambda db: reconcile_assignments(db, resolved)),
        ],
    )
