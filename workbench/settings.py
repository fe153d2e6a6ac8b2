"""The workbench's own settings (WUSHE_ prefix, like every process); the shared ones stay in services.common."""

from functools import lru_cache
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SESSION_SECRET = "wushe-workbench-development-session-secret"


class WorkbenchSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WUSHE_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    # The gateway the workbench is a client of (its /graphql and /photos).
    gateway_url: str = "http://127.0.0.1:8000"
    # Signs the session cookie; production refuses the development value.
    workbench_session_secret: str = DEV_SESSION_SECRET
    # Where browsers reach the workbench (the OIDC redirect URI is built from it).
    workbench_public_url: str = "http://127.0.0.1:8004"
    # OIDC authorization code with PKCE (production): the provider by its issuer, this client's id and secret.
    oidc_issuer: str = ""
    workbench_oidc_client_id: str = "wushe-workbench"
    workbench_oidc_client_secret: str = ""
    workbench_oidc_scope: str = "openid profile"
    # The gateway call of one page gives up after this (the page says so instead of hanging).
    workbench_gateway_timeout_s: float = 10.0

    @property
    def production(self) -> bool:
        return self.environment == "production"

    def require_production_secrets(self) -> None:
        if not self.production:
            return
        if self.workbench_session_secret == DEV_SESSION_SECRET:
            raise RuntimeError("production needs WUSHE_WORKBENCH_SESSION_SECRET")
        if not self.oidc_issuer:
            raise RuntimeError("production signs staff in through OIDC: set WUSHE_OIDC_ISSUER")


@lru_cache
def get_workbench_settings() -> WorkbenchSettings:
    return WorkbenchSettings()
