"""The workbench in production, in process: no development picker, a Secure session cookie, and
sign-in sent to the OIDC provider's authorization endpoint with PKCE (S256), found by discovery."""

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from fastapi.testclient import TestClient

from workbench.app import create_app
from workbench.settings import WorkbenchSettings


@pytest.fixture(scope="module")
def issuer() -> Iterator[str]:
    """An OpenID provider that answers its discovery document only."""

    class Discovery(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            base = f"{issuer_of(self.server)}"
            body = json.dumps(
                {
                    "issuer": base,
                    "authorization_endpoint": base + "/auth",
                    "token_endpoint": base + "/token",
                    "jwks_uri": base + "/certs",
                    "response_types_supported": ["code"],
                }
            ).encode()
            self.send_response(200 if self.path.endswith("/.well-known/openid-configuration") else 404)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: object) -> None:
            pass

    def issuer_of(server: object) -> str:
        assert isinstance(server, ThreadingHTTPServer)
        return f"http://127.0.0.1:{server.server_port}/realms/wushe"

    server = ThreadingHTTPServer(("127.0.0.1", 0), Discovery)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield issuer_of(server)
    server.shutdown()


@pytest.fixture
def client(issuer: str) -> Iterator[TestClient]:
    settings = WorkbenchSettings(
        environment="production",
        workbench_session_secret="s" * 40,
        oidc_issuer=issuer,
        workbench_public_url="https://workbench.example.org",
    )
    with TestClient(create_app(settings), base_url="https://workbench.example.org") as client:
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


def test_sign_in_goes_to_the_provider_with_pkce(client: TestClient, issuer: str) -> None:
    answer = client.get("/signin/oidc", follow_redirects=False)
    assert answer.status_code == 302, answer.text
    target = urlparse(answer.headers["location"])
    query = parse_qs(target.query)
    assert f"{target.scheme}://{target.netloc}{target.path}" == issuer + "/auth"
    assert query["response_type"] == ["code"] and query["code_challenge_method"] == ["S256"]
    assert query["code_challenge"][0] and query["state"][0] and query["client_id"] == ["wushe-workbench"]
    assert query["redirect_uri"] == ["https://workbench.example.org/signin/callback"]
