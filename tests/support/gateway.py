"""The gateway app in-process, lifespan and all, behind an httpx client (no services needed)."""

from collections.abc import AsyncIterator
from typing import Any

import httpx

from gateway.app import create_app
from services.common.settings import Settings
from tests.support.stack import free_port


def gateway_settings(**overrides: Any) -> Settings:
    """Test settings whose upstreams point where nothing listens: only refusals come back."""
    nowhere = f"http://127.0.0.1:{free_port()}"
    return Settings(
        environment="test",
        log_json=False,
        case_url=nowhere,
        resources_url=nowhere,
        volunteers_url=nowhere,
        **overrides,
    )


async def client_for(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            yield client
