"""Wushe resources service (资源服务)."""

from fastapi import FastAPI

from services.common.app_factory import create_service_app
from services.common.audit_api import audit_router
from services.common.database import Database
from services.common.events import events_router
from services.common.settings import Settings, get_settings
from services.resources.funds.endpoints import entries_router as ledger_entries_router
from services.resources.funds.endpoints import router as funds_router
from services.resources.holds.endpoints import router as holds_router
from services.resources.holds.expiry import run_expiry
from services.resources.holds.reconcile import reconcile_holds
from services.resources.models import AuditEntry, IdempotencyRecord, OutboxEvent
from services.resources.offers.endpoints import router as offers_router
from services.resources.organizations.endpoints import router as organizations_router
from services.resources.pledges.endpoints import router as pledges_router
from services.resources.stats.endpoints import router as stats_router

ROUTERS = [
    organizations_router,
    offers_router,
    holds_router,
    funds_router,
    ledger_entries_router,
    pledges_router,
    stats_router,
    events_router(OutboxEvent),
    audit_router(AuditEntry),
]


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    resolved = settings or get_settings()
    return create_service_app(
        "resources",
        "Wushe resources service (资源服务)",
        routers=ROUTERS,
        idempotency_model=IdempotencyRecord,
        settings=settings,
        database=database,
        description="Organisations, offers, holds and fund ledgers of the charity side.",
        background=[
            ("hold-expiry", resolved.expiry_interval_s, run_expiry),
            ("link reconciler", resolved.reconcile_interval_s, lambda db: reconcile_holds(db, resolved)),
        ],
    )
