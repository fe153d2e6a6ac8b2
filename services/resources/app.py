"""Wushe resources service (资源服务)."""

from fastapi import FastAPI

from services.common.app_factory import create_service_app
from services.common.database import Database
from services.common.settings import Settings


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    return create_service_app(
        "resources",
        "Wushe resources service (资源服务)",
        routers=[],
        settings=settings,
        database=database,
        description="Organisations, offers, holds and fund ledgers of the charity side.",
    )
