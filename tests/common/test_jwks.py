"""Tokens from an OIDC provider's JWKS, against a real key-set server on localhost: a key the
provider removed stops working within the refresh interval, and an unreachable or hanging
provider is a quick 503, not a 401 or a hung request."""

import asyncio
import json
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from services.common.auth import TokenVerifier
from services.common.clock import clock
from services.common.errors import IdentityProviderUnavailable, Unauthenticated
from services.common.settings import Settings


class KeySet:
    def __init__(self) -> None:
        self.keys: dict[str, Any] = {}
        self.hang_s = 0.0

    def add(self) -> tuple[str, rsa.RSAPrivateKey]:
        key, kid = rsa.generate_private_key(public_exponent=65537, key_size=2048), uuid.uuid4().hex
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
        self.keys[kid] = {**jwk, "kid": kid, "use": "sig", "alg": "RS256"}
        return kid, key


@pytest.fixture
def provider() -> Iterator[tuple[str, KeySet]]:
    keys = KeySet()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            time.sleep(keys.hang_s)
            body = json.dumps({"keys": list(keys.keys.values())}).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/certs", keys
    server.shutdown()
    server.server_close()


def token(kid: str, key: rsa.RSAPrivateKey, settings: Settings) -> str:
    now = int(clock.now().timestamp())
    claims = {"sub": "li", "role": "station_staff", "iss": settings.jwt_issuer, "aud": settings.jwt_audience}
    return jwt.encode({**claims, "iat": now, "exp": now + 600}, key, algorithm="RS256", headers={"kid": kid})


async def test_a_removed_key_stops_working_within_the_refresh_interval(provider: tuple[str, KeySet]) -> None:
    url, keys = provider
    settings = Settings(jwks_url=url, jwks_refresh_s=1.0)
    verifier = TokenVerifier(settings)
    kid, key = keys.add()
    signed = token(kid, key, settings)
    assert (await verifier.verify(signed)).subject == "li"
    del keys.keys[kid]
    assert (await verifier.verify(signed)).subject == "li"  # the cached key set, within the interval
    await asyncio.sleep(1.2)
    with pytest.raises(Unauthenticated):
        await verifier.verify(signed)


async def test_an_unreachable_provider_is_503(provider: tuple[str, KeySet]) -> None:
    _, keys = provider
    kid, key = keys.add()
    settings = Settings(jwks_url="http://127.0.0.1:9/certs")  # nothing listens on the discard port
    with pytest.raises(IdentityProviderUnavailable) as refused:
        await TokenVerifier(settings).verify(token(kid, key, settings))
    assert refused.value.status == 503


async def test_a_hanging_provider_is_a_quick_503(provider: tuple[str, KeySet]) -> None:
    url, keys = provider
    kid, key = keys.add()
    keys.hang_s = 3.0
    settings = Settings(jwks_url=url, jwks_timeout_s=0.5)
    started = time.monotonic()
    with pytest.raises(IdentityProviderUnavailable):
        await TokenVerifier(settings).verify(token(kid, key, settings))
    assert time.monotonic() - started < 2.5


@pytest.fixture
def oidc_provider() -> Iterator[tuple[str, KeySet, dict[str, Any]]]:
    """An OpenID provider: its discovery document at /.well-known/openid-configuration, keys at /keys."""
    keys, served = KeySet(), {"reads": 0, "issuer": ""}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/.well-known/openid-configuration":
                served["reads"] += 1
                document = {"issuer": served["issuer"], "jwks_uri": f"{served['base']}/keys"}
                body = json.dumps(document).encode()
            elif self.path == "/keys":
                body = json.dumps({"keys": list(keys.keys.values())}).encode()
            else:
                self.send_response(404)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    served.update(base=base, issuer=base)
    yield base, keys, served
    server.shutdown()
    server.server_close()


def issued_by(issuer: str, kid: str, key: rsa.RSAPrivateKey, settings: Settings) -> str:
    now = int(clock.now().timestamp())
    claims = {"sub": "li", "role": "station_staff", "iss": issuer, "aud": settings.jwt_audience}
    return jwt.encode({**claims, "iat": now, "exp": now + 600}, key, algorithm="RS256", headers={"kid": kid})


async def test_the_key_set_is_found_from_the_issuer_url_and_tokens_must_name_that_issuer(
    oidc_provider: tuple[str, KeySet, dict[str, Any]],
) -> None:
    issuer, keys, served = oidc_provider
    settings = Settings(oidc_issuer=issuer, jwks_refresh_s=60)
    verifier = TokenVerifier(settings)
    kid, key = keys.add()
    assert (await verifier.verify(issued_by(issuer, kid, key, settings))).subject == "li"
    assert (await verifier.verify(issued_by(issuer, kid, key, settings))).subject == "li"
    assert served["reads"] == 1  # the discovery document is cached like the key set
    with pytest.raises(Unauthenticated):  # signed by the provider's key, but naming another issuer
        await verifier.verify(issued_by("https://elsewhere.example", kid, key, settings))


async def test_a_discovery_document_naming_another_issuer_is_refused_as_unavailable(
    oidc_provider: tuple[str, KeySet, dict[str, Any]],
) -> None:
    issuer, keys, served = oidc_provider
    served["issuer"] = "https://look-alike.example"  # OIDC Discovery §4.3: must equal the issuer asked
    verifier = TokenVerifier(Settings(oidc_issuer=issuer))
    kid, key = keys.add()
    with pytest.raises(IdentityProviderUnavailable):
        await verifier.verify(issued_by(issuer, kid, key, verifier.settings))


async def test_an_unreachable_issuer_is_503_and_is_asked_again_next_time() -> None:
    verifier = TokenVerifier(Settings(oidc_issuer="http://127.0.0.1:9", jwks_timeout_s=1))
    for _ in range(2):
        with pytest.raises(IdentityProviderUnavailable):
            await verifier.verify("a.b.c")
