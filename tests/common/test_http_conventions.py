"""HTTP conventions of every service (services/common/errors.py): a 401 names the Bearer scheme; a
body that fails validation is 422 (one that is not JSON at all: tests/common/test_kernel_app.py)."""

import httpx
import pytest
from fastapi import FastAPI
from pydantic import BaseModel

from services.common.errors import Unauthenticated, install_error_handlers


class Body(BaseModel):
    name: str


def _app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/things")
    async def create(body: Body) -> dict[str, str]:
        return {"name": body.name}

    @app.get("/secret")
    async def secret() -> None:
        raise Unauthenticated("Send a bearer token.", "请提供访问令牌。")

    return app


async def test_a_401_says_which_scheme_to_authenticate_with() -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=_app()), base_url="http://svc") as client:
        refused = await client.get("/secret")
    assert refused.status_code == 401 and refused.headers["www-authenticate"] == 'Bearer realm="wushe"'


async def test_a_json_body_that_fails_validation_stays_422() -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=_app()), base_url="http://svc") as client:
        wrong = await client.post("/things", json={"name": 3})
    assert wrong.status_code == 422 and wrong.json()["code"] == "VALIDATION_FAILED"


@pytest.mark.parametrize("service", ["case", "resources", "volunteers", "gateway"])
def test_the_openapi_document_names_the_bearer_scheme(service: str) -> None:
    """So `/docs` has an Authorize button; a token stays optional at the top (some reads are public)."""
    from importlib import import_module

    from services.common.settings import Settings

    module = "gateway.app" if service == "gateway" else f"services.{service}.app"
    app = import_module(module).create_app(Settings(environment="test"))
    schema = app.openapi()
    assert schema["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": schema["components"]["securitySchemes"]["bearerAuth"]["description"],
    }
    assert schema["security"] == [{"bearerAuth": []}, {}]
