"""Wushe case service (个案服务)."""

from fastapi import FastAPI

from services.case.platforms.endpoints import router as platforms_router
from services.case.recipients.endpoints import router as recipients_router
from services.common.app_factory import create_service_app
from services.common.database import Database
from services.common.settings import Settings


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    return create_service_app(
        "case",
        "Wushe case service (个案服务)",
        routers=[platforms_router, recipients_router],
        settings=settings,
        database=database,
        description="Platforms, recipients, cases and needs of the township social-work stations.",
    )
