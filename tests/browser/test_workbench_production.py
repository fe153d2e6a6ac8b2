"""The workbench in production, in process, against a small OpenID provider of its own and a stand-in
gateway: no development picker, a Secure session cookie, the code flow with PKCE (S256) found by
discovery, the code exchanged with its verifier, and an access token about to expire refreshed."""

import base64
import hashlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from fastapi.testclient import TestClient

from workbench.app import create_app
from workbench.graphql import Gateway
from workbench.settings import WorkbenchSettings


class Provider:
    """Discovery and a token endpoint; remembers the token requests it was sent."""

    def __init__(self) -> None:
        self.token_requests: list[dict[str, list[str]]] = []
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if not self.path.endswith("/.well-known/openid-configuration"):
                    return self._answer(404, {})
                base = provider.issuer
                self._answer(
                    200,
                    {
                        "issuer": base,
                        "authorization_endpoint": base + "/auth",
                        "token_endpoint": base + "/token",
                        "jwks_uri": base + "/certs",
                        "response_types_supported": ["code"],
                    },
                )

            def do_POST(self) -> None:
                form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
                provider.token_requests.append(form)
                number = len(provider.token_requests)
                # Each token lives 1 s: the next page refreshes it (the margin is 30 s).
                self._answer(
                    200,
                    {
                        "access_token": f"access-{number}",
                        "refresh_token": f"refresh-{number}",
                        "token_type": "Bearer",
                        "expires_in": 1,
                    },
                )

            def _answer(self, status: int, body: dict[str, Any]) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps(body).encode())

            def log_message(self, *_: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{self.server.server_port}/realms/wushe"


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    provider = Provider()
    threading.Thread(target=provider.server.serve_forever, daemon=True).start()
    yield provider
    provider.server.shutdown()


EMPTY = {"edges": [], "totalCount": 0}
TODAY = {"open": EMPTY, "pending": EMPTY, "holds": EMPTY, "careVisits": EMPTY, "followUp": EMPTY, "referred": EMPTY}


class StandInGateway:
    """Answers the viewer, the vocabularies and the dashboard; records each request's bearer."""

    def __init__(self) -> None:
        self.bearers: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.bearers.append(request.headers.get("authorization", ""))
        query = json.loads(request.content)["query"]
        if "viewer" in query:
            data: dict[str, Any] = {
                "viewer": {
                    "subject": "kc-4711",
                    "role": "STATION_STAFF",
                    "region": "150781001",
                    "platform": {"id": "UGxhdGZvcm06MQ==", "name": "东山街道社工站"},
                }
            }
        elif "vocabularies" in query:
            data = {"vocabularies": []}
        else:
            data = TODAY
        return httpx.Response(200, json={"data": data})


@pytest.fixture
def gateway() -> StandInGateway:
    return StandInGateway()


@pytest.fixture
def client(provider: Provider, gateway: StandInGateway) -> Iterator[TestClient]:
    settings = WorkbenchSettings(
        environment="production",
        workbench_session_secret="s" * 40,
        oidc_issuer=provider.issuer,
        workbench_public_url="https://workbench.example.org",
    )
    app = create_app(settings)
    app.state.gateway = Gateway("http://gateway.test", 5, transport=httpx.MockTransport(gateway))
    with TestClient(app, base_url="https://workbench.example.org") as client:
        yield client


def test_production_refuses_the_development_session_secret() -> None:
    with pytest.raises(RuntimeError, match="WUSHE_WORKBENCH_SESSION_SECRET"):
        create_app(WorkbenchSettings(environment="production", oidc_issuer="https://idp.example"))


def test_no_development_picker_and_a_secure_cookie(client: TestClient) -> None:
    page = client.get("/signin")
    assert page.status_code == 200 and "/signin/oidc" in page.text and 'name="identity"' not in page.text
    cookie = page.headers["set-cookie"].lower()
    assert "secure" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    token = page.text.split('"X-CSRF-Token": "', 1)[1].split('"', 1)[0]
    assert client.post("/signin/dev", data={"csrf_token": token, "identity": "admin"}).status_code == 404


def test_code_flow_with_pkce_then_a_refresh(client: TestClient, provider: Provider, gateway: StandInGateway) -> None:
    answer = client.get("/signin/oidc?next=/people", follow_redirects=False)
    assert answer.status_code == 302, answer.text
    target = urlparse(answer.headers["location"])
    query = parse_qs(target.query)
    assert f"{target.scheme}://{target.netloc}{target.path}" == provider.issuer + "/auth"
    assert query["response_type"] == ["code"] and query["code_challenge_method"] == ["S256"]
    assert query["client_id"] == ["wushe-workbench"]
    assert query["redirect_uri"] == ["https://workbench.example.org/signin/callback"]

    # Back from the provider: the code is exchanged with the verifier behind the challenge.
    provider.token_requests.clear()
    back = client.get(f"/signin/callback?code=the-code&state={query['state'][0]}", follow_redirects=False)
    assert back.status_code == 303 and back.headers["location"] == "/people", back.text
    exchange = provider.token_requests[0]
    assert exchange["grant_type"] == ["authorization_code"] and exchange["code"] == ["the-code"]
    verifier = exchange["code_verifier"][0].encode()
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=").decode()
    assert challenge == query["code_challenge"][0]
    assert gateway.bearers[-1] == "Bearer access-1"  # the gateway said who the token is

    # The access token is about to expire: the next page refreshes it first and sends the new one.
    sent_before = len(gateway.bearers)
    page = client.get("/today")
    assert page.status_code == 200 and "东山街道社工站" in page.text
    assert provider.token_requests[1]["grant_type"] == ["refresh_token"]
    assert provider.token_requests[1]["refresh_token"] == ["refresh-1"]
    assert [b for b in gateway.bearers[sent_before:] if b] == ["Bearer access-2"]  # (vocabularies go without)
