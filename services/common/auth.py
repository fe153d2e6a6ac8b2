"""Bearer tokens: verification (shared key, PEM public key or OIDC JWKS) and the caller's Principal.

Claims (DESIGN.md, "Security model"): `sub`, `role`, optional `platform_id`, `org_id`,
`volunteer_id`, `region` (a GB/T 2260 prefix the caller's scope is limited to) and, for app
clients, `scope` (space-separated, as in OAuth 2.0).
"""

import asyncio
import json
import threading
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from typing import Annotated, Any

import jwt
from fastapi import Depends, Request
from pydantic import TypeAdapter, ValidationError

from services.common.clock import clock
from services.common.errors import Forbidden, IdentityProviderUnavailable, Unauthenticated
from services.common.fields import Subject
from services.common.settings import Settings, get_settings
from services.common.vocabulary import STAFF_ROLES, Role


@dataclass(frozen=True)
class Principal:
    """Who is calling, as the token says."""

    subject: str
    role: Role
    platform_id: uuid.UUID | None = None
    org_id: uuid.UUID | None = None
    volunteer_id: uuid.UUID | None = None
    region: str = ""
    scopes: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    def require_role(self, *roles: Role) -> None:
        if self.role not in roles:
            raise Forbidden(f"Role {self.role.value} may not do this.", f"角色 {self.role.label} 无权执行此操作。")

    @classmethod
    def from_claims(cls, claims: dict[str, Any]) -> "Principal":
        try:
            role = Role(claims["role"])
            return cls(
                subject=_subject_claim(claims["sub"]),
                role=role,
                platform_id=_optional_uuid(claims.get("platform_id")),
                org_id=_optional_uuid(claims.get("org_id")),
                volunteer_id=_optional_uuid(claims.get("volunteer_id")),
                region=_region_claim(claims.get("region", "")),
                scopes=frozenset(str(claims.get("scope", "")).split()),
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise Unauthenticated(
                f"Token claims are incomplete or malformed: {exc}", "令牌声明不完整或格式错误。"
            ) from exc


def _optional_uuid(value: Any) -> uuid.UUID | None:
    return uuid.UUID(str(value)) if value else None


_SUBJECT: TypeAdapter[str] = TypeAdapter(Subject)


def _subject_claim(value: Any) -> str:
    """`sub` names who acts in every audit row and idempotency key: a blank one names nobody."""
    if not isinstance(value, str):
        raise ValueError("sub must be a string")
    try:
        return _SUBJECT.validate_python(value)
    except ValidationError as exc:
        raise ValueError(f"sub: {exc.errors()[0]['msg']}") from None


def _region_claim(value: Any) -> str:
    region = str(value or "")
    if region and not (region.isascii() and region.isdigit()):  # isdigit() alone takes "١٥" and "²"
        raise ValueError("region must be ASCII digits")
    return region


class TokenVerifier:
    """Verifies bearer tokens with the key material the settings name."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.issuer = settings.oidc_issuer or settings.jwt_issuer
        self._jwks = self._key_set_client(settings.jwks_url) if settings.jwks_url else None
        self._discovery = OidcDiscovery(settings) if settings.oidc_issuer and not settings.jwks_url else None

    def _key_set_client(self, url: str) -> jwt.PyJWKClient:
        # No per-kid cache (it would keep a key the provider removed for the life of the process):
        # the key set is cached for jwks_refresh_s and fetched again for a kid it does not know.
        return jwt.PyJWKClient(
            url,
            cache_keys=False,
            cache_jwk_set=True,
            lifespan=self.settings.jwks_refresh_s,
            timeout=self.settings.jwks_timeout_s,
        )

    def _key_set(self) -> jwt.PyJWKClient | None:
        """The provider's key set: configured, or found through OIDC discovery (blocking: call off the loop)."""
        if self._discovery is not None:
            url = self._discovery.jwks_uri()
            if self._jwks is None or self._jwks.uri != url:
                self._jwks = self._key_set_client(url)
        return self._jwks

    async def verify(self, token: str) -> Principal:
        try:
            jwks = await asyncio.to_thread(self._key_set) if self._discovery is not None else self._jwks
            if jwks is not None:
                # PyJWKClient fetches over blocking HTTP (cached afterwards): keep it off the loop.
                signing_key = await asyncio.to_thread(jwks.get_signing_key_from_jwt, token)
                key: Any = signing_key.key
                algorithms = ["RS256", "ES256", "PS256"]
            elif self.settings.jwt_public_key:
                key, algorithms = self.settings.jwt_public_key, ["RS256", "ES256", "PS256"]
            else:
                key, algorithms = self.settings.jwt_secret, ["HS256"]
            claims = jwt.decode(
                token,
                key,
                algorithms=algorithms,
                audience=self.settings.jwt_audience,
                issuer=self.issuer,
                # Times are checked below against the one clock, not PyJWT's own reading of the wall clock.
                options={"require": ["exp", "sub"], "verify_exp": False, "verify_nbf": False, "verify_iat": False},
            )
            _check_token_times(claims)
        except (jwt.PyJWKClientConnectionError, DiscoveryFailed) as exc:
            raise IdentityProviderUnavailable(
                "The identity provider's keys cannot be fetched; try again shortly.",
                "暂时无法获取身份认证服务的密钥，请稍后重试。",
            ) from exc
        except jwt.PyJWTError as exc:
            raise Unauthenticated(f"Invalid token: {exc}", "令牌无效或已过期。") from exc
        return Principal.from_claims(claims)


class DiscoveryFailed(Exception):
    """The issuer's OpenID configuration could not be read, or does not name it."""


class OidcDiscovery:
    """`WUSHE_OIDC_ISSUER` → `<issuer>/.well-known/openid-configuration` → its `jwks_uri`
    (OpenID Connect Discovery 1.0 §4). The document must name the same issuer (§4.3), or a
    look-alike could hand out its own keys; it is read again every `jwks_refresh_s`, and a failed
    read is not remembered (the next request tries again, and gets 503 meanwhile)."""

    def __init__(self, settings: Settings) -> None:
        self.issuer = settings.oidc_issuer
        self.url = settings.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration"
        self.timeout_s = settings.jwks_timeout_s
        self.refresh_s = settings.jwks_refresh_s
        self._found: tuple[str, float] | None = None  # (jwks_uri, monotonic time it was read)
        self._lock = threading.Lock()

    def jwks_uri(self) -> str:
        with self._lock:
            if self._found is not None and time.monotonic() - self._found[1] < self.refresh_s:
                return self._found[0]
            try:
                with urllib.request.urlopen(self.url, timeout=self.timeout_s) as response:
                    document = json.loads(response.read())
            except (OSError, ValueError) as exc:
                raise DiscoveryFailed(f"{self.url}: {exc}") from exc
            if not isinstance(document, dict) or document.get("issuer") != self.issuer or not document.get("jwks_uri"):
                raise DiscoveryFailed(f"{self.url} does not describe the issuer {self.issuer}")
            self._found = (str(document["jwks_uri"]), time.monotonic())
            return self._found[0]


TOKEN_LEEWAY_S = 30


def _check_token_times(claims: dict[str, Any]) -> None:
    """`exp`, `nbf` and `iat` (RFC 7519 §4.1) against `clock.now()`, with a little leeway for skew."""
    now = clock.now().timestamp()
    try:
        expires = float(claims["exp"])
        not_before = float(claims.get("nbf", now))
        issued = float(claims.get("iat", now))
    except (TypeError, ValueError) as exc:
        raise jwt.InvalidTokenError("exp, nbf and iat must be numbers") from exc
    if expires <= now - TOKEN_LEEWAY_S:
        raise jwt.ExpiredSignatureError("Signature has expired")
    if not_before > now + TOKEN_LEEWAY_S or issued > now + TOKEN_LEEWAY_S:
        raise jwt.ImmatureSignatureError("The token is not yet valid (iat or nbf)")


def issue_dev_token(
    settings: Settings,
    *,
    role: Role | str,
    subject: str | None = None,
    platform_id: uuid.UUID | str | None = None,
    org_id: uuid.UUID | str | None = None,
    volunteer_id: uuid.UUID | str | None = None,
    region: str = "",
    scopes: list[str] | None = None,
    ttl_s: int = 12 * 3600,
) -> str:
    """A token signed with the shared development secret (for `wushe token` and tests)."""
    now = int(clock.now().timestamp())
    claims: dict[str, Any] = {
        "sub": subject or f"dev-{Role(role).value}",
        "role": Role(role).value,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": now,
        "exp": now + ttl_s,
    }
    for name, value in (("platform_id", platform_id), ("org_id", org_id), ("volunteer_id", volunteer_id)):
        if value:
            claims[name] = str(value)
    if region:
        claims["region"] = region
    if scopes:
        claims["scope"] = " ".join(scopes)
    return jwt.encode(claims, settings.jwt_secret, algorithm="HS256")


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    return token.strip()


async def current_principal(request: Request) -> Principal:
    """FastAPI dependency: the verified caller, or 401 problem+json."""
    token = bearer_token(request)
    if token is None:
        raise Unauthenticated("A bearer token is required.", "需要提供 Bearer 令牌。")
    verifier: TokenVerifier = request.app.state.verifier
    return await verifier.verify(token)


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def make_verifier(settings: Settings | None = None) -> TokenVerifier:
    return TokenVerifier(settings or get_settings())
