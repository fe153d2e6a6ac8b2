"""The gateway app: Strawberry on FastAPI at `/graphql`, with GraphiQL."""

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Literal

import aiohttp
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from gateway import photos, sheets
from gateway.body_limit import BodySizeLimit
from gateway.context import context_getter
from gateway.feed_cache import PublicFeedCache
from gateway.rate_limit import RateLimit, RateLimits
from gateway.request_guard import GraphQLRequestGuard
from gateway.router import IDE_ASSETS, IDE_ASSETS_URL, GatewayRouter
from gateway.schema import build_schema
from services.common.app_factory import document_bearer_auth
from services.common.auth import TokenVerifier
from services.common.clock import clock
from services.common.errors import install_error_handlers
from services.common.log_setup import configure_logging
from services.common.observability import instrument
from services.common.request_context import RequestIdMiddleware
from services.common.settings import Settings, get_settings

UPSTREAM_KEEPALIVE_S = 3.0  # below uvicorn's default --timeout-keep-alive of 5 s


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    settings.require_production_secrets()
    clock.configure(settings)

    configure_logging("gateway", settings.log_level, settings.log_json)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # An idle pooled connection is dropped before the service's uvicorn closes it (its keep-alive
        # timeout is 5 s): with 30 s here, a request taken from the pool after a burst went out on
        # a socket the service had closed, and a POST cannot be retried (ClientOSError, seen in CI).
        connector = aiohttp.TCPConnector(limit=200, limit_per_host=100, keepalive_timeout=UPSTREAM_KEEPALIVE_S)
        app.state.http = aiohttp.ClientSession(connector=connector)
        # Everything built so far (modules, the schema) lives as long as the process: out of the
        # collector's sight, a full collection no longer walks it (~130 ms here, at any moment).
        gc.freeze()
        try:
            yield
        finally:
            await app.state.http.close()

    production = settings.environment == "production"
    app = FastAPI(
        title="Wushe GraphQL gateway (五社联动网关)",
        version="0.1.0",
        lifespan=lifespan,
        # The gateway is the published endpoint: no API browser on it in production.
        docs_url=None if production else "/docs",
        redoc_url=None if production else "/redoc",
        openapi_url=None if production else "/openapi.json",
    )
    app.state.settings = settings
    app.state.verifier = TokenVerifier(settings)
    # Added innermost first. A request meets: request id, instrumentation, the rate limit (before
    # the body is read), the body size, the JSON guard (before anything decodes the body), the feed cache.
    app.add_middleware(
        PublicFeedCache,
        case_url=settings.case_url,
        verifier=app.state.verifier,
        allow_anonymous=settings.graphql_anonymous_feed,
        max_tokens=settings.graphql_max_tokens,
    )
    app.add_middleware(
        GraphQLRequestGuard,
        max_json_depth=settings.graphql_max_json_depth,
        max_variables_bytes=settings.graphql_max_variables_bytes,
    )
    photo_limit = settings.proof_photo_max_bytes + photos.MULTIPART_OVERHEAD
    app.add_middleware(
        BodySizeLimit,
        max_bytes=settings.graphql_max_body_bytes,
        by_prefix={photos.PHOTO_PREFIX: photo_limit, sheets.IMPORT_PREFIX: sheets.MAX_SHEET_BYTES},
    )
    app.add_middleware(RateLimit, limits=RateLimits.from_settings(settings), verifier=app.state.verifier)
    instrument(app, "gateway", settings)
    app.add_middleware(RequestIdMiddleware)
    install_error_handlers(app)
    schema = build_schema(settings)
    app.state.schema = schema
    # GraphiQL is useless without introspection.
    ide: Literal["graphiql"] | None = "graphiql" if settings.introspection else None
    app.include_router(GatewayRouter(schema, context_getter=context_getter, graphql_ide=ide), prefix="/graphql")
    if ide is not None:  # GraphiQL's scripts and styles, from the gateway itself (gateway/static/graphiql)
        app.mount(IDE_ASSETS_URL, StaticFiles(directory=IDE_ASSETS), name="graphql-ide")
    app.include_router(photos.router)
    app.include_router(sheets.router)
    document_bearer_auth(app)

    @app.get("/healthz", tags=["health"])
    async def healthz() -> dict[str, str]:
        """The gateway process answers; `query { health }` tells about the services."""
        return {"status": "ok", "service": "gateway"}

    return app
