"""Requests per caller: anonymous by address, apps and people by their token's subject; 429 past the limit."""

from collections.abc import AsyncIterator

import httpx
import pytest

from gateway.app import create_app
from services.common.auth import issue_dev_token
from services.common.settings import Settings
from tests.support.gateway import client_for, gateway_settings

FEED = {"query": "{ publicWishes(first: 20) { nodes { id display } } }"}


def small_limits() -> Settings:
    return gateway_settings(
        graphql_rate_limit_anonymous="3/minute",
        graphql_rate_limit_app="2/minute",
        graphql_rate_limit_user="2/minute",
    )


@pytest.fixture
def settings_small() -> Settings:
    return small_limits()


@pytest.fixture
async def gateway(settings_small: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async for client in client_for(settings_small):
        yield client


def app_client(settings: Settings, subject: str) -> dict[str, str]:
    token = issue_dev_token(settings, role="app_client", subject=subject, scopes=["wishes:read"])
    return {"authorization": f"Bearer {token}"}


class TestAnonymousFeed:
    async def test_reads_above_the_limit_get_429_with_retry_after(self, gateway: httpx.AsyncClient) -> None:
        answered = [await gateway.post("/graphql", json=FEED) for _ in range(3)]
        refused = await gateway.post("/graphql", json=FEED)
        assert [r.status_code for r in answered] == [200, 200, 200]
        assert refused.status_code == 429
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["code"] == "RATE_LIMITED"
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        assert refused.headers["ratelimit-policy"] == '"anonymous";q=3;w=60'
        assert refused.headers["ratelimit"].startswith('"anonymous";r=0;t=')

    async def test_every_answer_says_what_is_left(self, gateway: httpx.AsyncClient) -> None:
        first = await gateway.post("/graphql", json=FEED)
        second = await gateway.post("/graphql", json=FEED)
        assert first.headers["ratelimit"].startswith('"anonymous";r=2;')
        assert second.headers["ratelimit"].startswith('"anonymous";r=1;')

    async def test_a_token_that_does_not_verify_counts_as_anonymous(self, gateway: httpx.AsyncClient) -> None:
        for n in range(3):
            forged = {"authorization": f"Bearer not-a-token-{n}"}
            assert (await gateway.post("/graphql", json=FEED, headers=forged)).status_code == 200
        assert (await gateway.post("/graphql", json=FEED)).status_code == 429

    async def test_other_paths_are_not_counted(self, gateway: httpx.AsyncClient) -> None:
        for _ in range(5):
            assert (await gateway.get("/healthz")).status_code == 200
        assert (await gateway.post("/graphql", json=FEED)).status_code == 200


class TestAddresses:
    async def test_an_ipv6_64_shares_one_quota(self, settings_small: Settings) -> None:
        app = create_app(settings_small)
        async with app.router.lifespan_context(app):
            statuses = []
            for host in ("2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:ffff::3", "2001:db8:1:2::4"):
                transport = httpx.ASGITransport(app=app, client=(host, 5000))
                async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
                    statuses.append((await client.post("/graphql", json=FEED)).status_code)
            other = httpx.ASGITransport(app=app, client=("2001:db8:1:3::1", 5000))
            async with httpx.AsyncClient(transport=other, base_url="http://gateway") as client:
                elsewhere = (await client.post("/graphql", json=FEED)).status_code
        assert statuses == [200, 200, 200, 429]
        assert elsewhere == 200


class TestCallersWithTokens:
    async def test_each_app_client_has_its_own_quota(
        self, gateway: httpx.AsyncClient, settings_small: Settings
    ) -> None:
        one, other = app_client(settings_small, "app-one"), app_client(settings_small, "app-two")
        statuses = [(await gateway.post("/graphql", json=FEED, headers=one)).status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        assert (await gateway.post("/graphql", json=FEED, headers=other)).status_code == 200
        assert (await gateway.post("/graphql", json=FEED)).status_code == 200  # nor is the address's quota used

    async def test_staff_are_counted_by_subject(self, gateway: httpx.AsyncClient, settings_small: Settings) -> None:
        token = issue_dev_token(settings_small, role="station_staff", subject="worker-1", region="150781")
        staff = {"authorization": f"Bearer {token}"}
        statuses = [
            (await gateway.post("/graphql", json={"query": "{ viewer { subject } }"}, headers=staff)).status_code
            for _ in range(3)
        ]
        assert statuses == [200, 200, 429]
        assert (await gateway.post("/graphql", json=FEED, headers=staff)).headers[
            "ratelimit-policy"
        ] == '"user";q=2;w=60'


class TestConfiguration:
    async def test_an_empty_setting_means_no_limit(self) -> None:
        async for client in client_for(gateway_settings(graphql_rate_limit_anonymous="")):
            statuses = {(await client.post("/graphql", json=FEED)).status_code for _ in range(10)}
            assert statuses == {200}
            assert "ratelimit" not in (await client.post("/graphql", json=FEED)).headers

    def test_a_malformed_limit_stops_the_gateway_from_starting(self) -> None:
        with pytest.raises(ValueError):
            create_app(gateway_settings(graphql_rate_limit_app="lots"))
