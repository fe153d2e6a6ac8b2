"""Settings read from the environment (and a `.env` file), one definition for every process."""

from functools import lru_cache
from typing import Annotated, Literal

from fastapi import Depends, Request
from pydantic import AwareDatetime, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_JWT_SECRET = "wushe-development-secret-do-not-use-in-production"
DEV_PII_KEY = "wushe-development-pii-key-do-not-use-in-production"
DEV_TICKET_KEY = "wushe-development-ticket-key-do-not-use-in-production"


class Settings(BaseSettings):
    """Configuration shared by the services, the gateway and the CLI.

    Every variable is read as `WUSHE_<NAME>`, except `DATABASE_URL` which keeps its usual name.
    """

    model_config = SettingsConfigDict(env_prefix="WUSHE_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = Field(default="", validation_alias="DATABASE_URL", description="SQLAlchemy URL (asyncpg)")
    db_pool_size: int = 10
    db_max_overflow: int = 10

    # Tokens: a shared secret (HS256, development), a PEM public key, or an OIDC JWKS URL.
    jwt_secret: str = DEV_JWT_SECRET
    jwt_public_key: str = ""
    jwks_url: str = ""
    # An OIDC provider by its issuer URL: its key set is found through OpenID discovery, and tokens
    # must name it as `iss` (instead of WUSHE_JWT_ISSUER). WUSHE_JWKS_URL, when set, wins.
    oidc_issuer: str = ""
    # The JWKS key set is fetched again at least this often (a key the provider removed stops
    # working by then), and a fetch gives up after the timeout (503, never a hung request).
    jwks_refresh_s: float = Field(default=300.0, gt=0, le=86400)
    jwks_timeout_s: float = Field(default=5.0, gt=0, le=60)
    jwt_issuer: str = "wushe-dev"
    jwt_audience: str = "wushe"
    # Personal data at rest (services/common/personal_data.py). `pii_keys`, comma-separated, wins
    # over `pii_key`: the first encrypts, every one decrypts (rotation, `wushe rotate-pii-key`).
    pii_key: str = DEV_PII_KEY
    pii_keys: str = ""
    # The keyed hash that finds duplicate ID numbers; empty: derived from `pii_key` as it always was.
    # It does not rotate with the encryption keys (every stored hash would change).
    pii_hash_key: str = ""
    # Idempotency records (stored answers, sealed with the personal-data key) are purged after this.
    idempotency_retention_days: int = Field(default=30, ge=1, le=3650)
    # Proof photos (POST /v1/needs/{id}/proof-photo): upload size, decoded pixels, longest edge kept.
    proof_photo_max_bytes: int = Field(default=5 * 1024 * 1024, ge=1024, le=50 * 1024 * 1024)
    proof_photo_max_pixels: int = Field(default=40_000_000, ge=10_000, le=200_000_000)
    proof_photo_max_edge: int = Field(default=2560, ge=64, le=10_000)
    # Sealed tickets between the services (services/common/tickets.py): the same key in all three.
    ticket_key: str = DEV_TICKET_KEY

    # The one clock (services/common/clock.py): run as if the wall clock were shifted, or stopped at
    # an instant. For demos and for checking behaviour on another date; refused in production.
    clock_shift_s: float = 0.0
    clock_frozen_at: AwareDatetime | None = None
    # How far ahead a deadline, an activity or a reservation may be set.
    planning_horizon_days: int = Field(default=730, ge=1, le=36500)

    otlp_endpoint: str = Field(default="", description="OTLP/HTTP traces endpoint, e.g. http://otel:4318/v1/traces")
    log_level: str = "INFO"
    log_json: bool = True

    case_url: str = "http://127.0.0.1:8001"
    resources_url: str = "http://127.0.0.1:8002"
    volunteers_url: str = "http://127.0.0.1:8003"
    # Every upstream call of the gateway, retries and pauses included, ends within this.
    upstream_timeout_s: float = 5.0
    # The gateway's HTTP client (docs/decisions.md, "Gateway HTTP client"): attempts per call, the
    # part of the timeout spent waiting for a pooled connection and connecting (past it the request
    # was provably not sent), and the breaker that fails fast after consecutive failures.
    upstream_attempts: int = Field(default=3, ge=1, le=10)
    upstream_connect_timeout_s: float = Field(default=1.0, gt=0, le=60)
    upstream_breaker_failures: int = Field(default=5, ge=1, le=1000)
    upstream_breaker_cooldown_s: float = Field(default=5.0, gt=0, le=600)

    # Linking: how long a confirmed-but-uncommitted hold and a donor's claim stand, and how often
    # the services look for lapsed reservations.
    match_hold_ttl_s: int = 900
    claim_ttl_s: int = 7 * 24 * 3600
    expiry_interval_s: float = 5.0
    # The reconcilers (docs/decisions.md, "Linking"): how often each service compares its side of
    # every recent link with the other side, and which token it reads the other side with when the
    # tokens come from an OIDC provider (a file an agent keeps fresh; see services/common/service_identity.py).
    reconcile_interval_s: float = Field(default=30.0, gt=0, le=3600)
    # A held hold its need does not name this long after it was made is a stray (its link's gateway
    # died or timed out): the resources reconciler gives it back.
    reconcile_stray_after_s: float = Field(default=60.0, ge=1, le=24 * 3600)
    service_token_file: str = ""
    # Tests only (ignored unless environment is "test"): matchOffer pauses after its try phase
    # so fault tests can kill a process between try and confirm.
    test_pause_after_try_s: float = 0.0

    # Gateway limits (defaults no looser than graphql-armor's) and exposure.
    graphql_max_depth: int = 10
    graphql_max_aliases: int = 15
    graphql_max_tokens: int = 2000
    graphql_max_cost: int = 10_000
    graphql_max_body_bytes: int = 64 * 1024
    # None: on, except in production (apps there read gateway/schema.graphql); GraphiQL likewise.
    graphql_introspection: bool | None = None
    graphql_anonymous_feed: bool = True
    # Abuse limits (docs/decisions.md, "Abuse limits"): directives per document (fragments expanded),
    # and the JSON of a request: nesting depth and the size of its variables.
    graphql_max_directives: int = 50
    graphql_max_json_depth: int = 32
    graphql_max_variables_bytes: int = 16 * 1024
    # Requests per caller to /graphql, as `limits` strings ("120/minute", "10/second"); empty: no limit.
    # Anonymous callers by client address, app clients and every other token by subject.
    graphql_rate_limit_anonymous: str = "120/minute"
    graphql_rate_limit_app: str = "1200/minute"
    graphql_rate_limit_user: str = "600/minute"
    # Where the counts live: in the process by default; `redis://host:6379` when replicas share them
    # (needs the `redis` extra).
    graphql_rate_limit_storage_url: str = "memory://"

    # In production /metrics answers only `Authorization: Bearer <this>` (404 without one set).
    metrics_token: str = ""

    @property
    def introspection(self) -> bool:
        if self.graphql_introspection is None:
            return self.environment != "production"
        return self.graphql_introspection

    @property
    def encryption_keys(self) -> list[str]:
        """The personal-data keys, the one that encrypts first."""
        keys = [key.strip() for key in self.pii_keys.split(",") if key.strip()]
        return keys or [self.pii_key]

    @property
    def hash_key(self) -> str:
        return self.pii_hash_key or self.pii_key

    def require_production_secrets(self) -> None:
        """Refuse to run in production with the development keys."""
        if self.environment != "production":
            return
        if self.clock_shift_s or self.clock_frozen_at:
            raise RuntimeError("production runs on the wall clock: unset WUSHE_CLOCK_SHIFT_S and WUSHE_CLOCK_FROZEN_AT")
        if self.jwt_secret == DEV_JWT_SECRET and not (self.jwt_public_key or self.jwks_url or self.oidc_issuer):
            raise RuntimeError("production needs WUSHE_JWKS_URL, WUSHE_JWT_PUBLIC_KEY or a secret")
        if DEV_PII_KEY in self.encryption_keys:
            raise RuntimeError("production needs WUSHE_PII_KEY (or WUSHE_PII_KEYS without the development key)")
        if self.hash_key == DEV_PII_KEY:
            raise RuntimeError("production needs WUSHE_PII_HASH_KEY (or WUSHE_PII_KEY) other than the development key")
        if self.ticket_key == DEV_TICKET_KEY:
            raise RuntimeError("production needs WUSHE_TICKET_KEY")


@lru_cache
def get_settings() -> Settings:
    return Settings()


def app_settings(request: Request) -> Settings:
    """The settings the app was built with (tests build apps with their own)."""
    settings: Settings = request.app.state.settings
    return settings


AppSettings = Annotated[Settings, Depends(app_settings)]
