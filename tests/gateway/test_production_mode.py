"""In production the published endpoint shows nothing beyond the API: no GraphiQL, no schema tours
(introspection, "did you mean"), no API browser, and /metrics only for the scraper's token."""

from collections.abc import AsyncIterator

import httpx
import pytest

from services.common.settings import Settings
from tests.support.gateway import client_for

INTROSPECTION = {"query": "{ __schema { types { name } } }"}
TYPO = {"query": "{ publicWishs(first: 1) { nodes { display } } }"}


def production(**overrides: object) -> Settings:
    return Settings(
        environment="production",
        jwks_url="https://sso.example.org/realms/wushe/protocol/openid-connect/certs",
        pii_key="a-real-pii-key-from-a-secret-store",
        ticket_key="a-real-ticket-key-from-a-secret-store",
        metrics_token="scrape-me",
        log_json=False,
        **overrides,  # type: ignore[arg-type]
    )


@pytest.fixture
async def prod() -> AsyncIterator[httpx.AsyncClient]:
    async for client in client_for(production()):
        yield client


@pytest.fixture
async def dev() -> AsyncIterator[httpx.AsyncClient]:
    async for client in client_for(Settings(environment="development", log_json=False)):
        yield client


async def test_no_graphiql_no_introspection_no_suggestions(prod: httpx.AsyncClient) -> None:
    page = await prod.get("/graphql", headers={"accept": "text/html"})
    assert "graphiql" not in page.text.lower()
    body = (await prod.post("/graphql", json=INTROSPECTION)).json()
    assert body.get("data") is None and "introspection" in str(body["errors"]).lower()
    typo = (await prod.post("/graphql", json=TYPO)).json()
    assert "Did you mean" not in str(typo["errors"])


async def test_no_api_browser(prod: httpx.AsyncClient) -> None:
    for path in ("/docs", "/redoc", "/openapi.json"):
        assert (await prod.get(path)).status_code == 404


async def test_metrics_only_for_the_scrapers_token(prod: httpx.AsyncClient) -> None:
    assert (await prod.get("/metrics")).status_code == 404
    assert (await prod.get("/metrics", headers={"Authorization": "Bearer guess"})).status_code == 404
    scraped = await prod.get("/metrics", headers={"Authorization": "Bearer scrape-me"})
    assert scraped.status_code == 200 and "wushe" in scraped.text


async def test_development_keeps_its_tools(dev: httpx.AsyncClient) -> None:
    assert "graphiql" in (await dev.get("/graphql", headers={"accept": "text/html"})).text.lower()
    assert (await dev.post("/graphql", json=INTROSPECTION)).json()["data"]["__schema"]["types"]
    assert "Did you mean" in str((await dev.post("/graphql", json=TYPO)).json()["errors"])
    assert (await dev.get("/docs")).status_code == 200 and (await dev.get("/metrics")).status_code == 200
