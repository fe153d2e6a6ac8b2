"""create_app(): the workbench's routers, session, CSRF check and error pages."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from services.common.clock import clock
from services.common.settings import get_settings
from workbench.graphql import Gateway, GatewayError
from workbench.i18n import language_of, translator
from workbench.pages import imports, needs, people, signin, stats, today, volunteers
from workbench.rendering import render
from workbench.session import CsrfRefused, NotSignedIn, check_csrf, sign_out
from workbench.settings import WorkbenchSettings, get_workbench_settings
from workbench.vocabulary import Vocabulary

STATIC = Path(__file__).parent / "static"
SESSION_COOKIE = "wushe_workbench"


def create_app(settings: WorkbenchSettings | None = None) -> FastAPI:
    settings = settings or get_workbench_settings()
    settings.require_production_secrets()
    clock.configure(get_settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        await app.state.gateway.close()

    app = FastAPI(
        title="社工站工作台",
        lifespan=lifespan,
        dependencies=[Depends(check_csrf)],
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.settings = settings
    app.state.gateway = Gateway(settings.gateway_url, settings.workbench_gateway_timeout_s)
    app.state.vocabulary = Vocabulary()
    app.state.labels, app.state.vocabulary_labels = {}, {}
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.workbench_session_secret,
        session_cookie=SESSION_COOKIE,
        max_age=12 * 3600,
        same_site="lax",
        https_only=settings.production,
    )
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (signin, today, people, needs, volunteers, imports, stats):
        app.include_router(module.router)
    _add_error_pages(app)

    @app.get("/", include_in_schema=False)
    async def home() -> RedirectResponse:
        return RedirectResponse("/today", status_code=303)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


def _redirect(request: Request, to: str) -> Response:
    """A plain redirect, or HX-Redirect for an htmx request (which would swap the target page in)."""
    if request.headers.get("HX-Request") == "true":
        return Response(status_code=204, headers={"HX-Redirect": to})
    return RedirectResponse(to, status_code=303)


def _add_error_pages(app: FastAPI) -> None:
    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, _: NotSignedIn) -> Response:
        return _redirect(request, f"/signin?next={request.url.path}")

    @app.exception_handler(CsrfRefused)
    async def csrf_refused(request: Request, _: CsrfRefused) -> HTMLResponse:
        t = translator(language_of(request))
        return HTMLResponse(
            f'<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>403</title>'
            f'<p role="alert" class="error">{t("csrf.refused")}</p></html>',
            status_code=403,
        )

    @app.exception_handler(GatewayError)
    async def gateway_failed(request: Request, error: GatewayError) -> Response:
        if error.signed_out:
            sign_out(request)
            return _redirect(request, "/signin")
        if error.forbidden:  # a page of another role's work: said plainly, not as a failure
            return await render(request, "error.html", {"messages": error.messages, "forbidden": True}, 403)
        return await render(request, "error.html", {"messages": error.messages}, status_code=502)
