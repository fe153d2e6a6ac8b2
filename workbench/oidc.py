"""The OpenID Connect client (authlib): discovery from WUSHE_OIDC_ISSUER, code flow with PKCE, refresh."""

from typing import Any

from authlib.integrations.starlette_client import OAuth, OAuthError
from fastapi import Request

from services.common.clock import clock
from workbench.settings import WorkbenchSettings

# A token this close to its expiry is refreshed before it is sent.
REFRESH_MARGIN_S = 30


def oauth_client(request: Request) -> Any:
    """The registered provider (one per app, made on first use: discovery happens then)."""
    oauth: OAuth | None = getattr(request.app.state, "oauth", None)
    if oauth is None:
        settings: WorkbenchSettings = request.app.state.settings
        oauth = OAuth()
        oauth.register(
            name="wushe",
            server_metadata_url=settings.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration",
            client_id=settings.workbench_oidc_client_id,
            client_secret=settings.workbench_oidc_client_secret or None,
            client_kwargs={"scope": settings.workbench_oidc_scope, "code_challenge_method": "S256"},
        )
        request.app.state.oauth = oauth
    return oauth.wushe


def remember_tokens(request: Request, token: dict[str, Any]) -> None:
    """What a refresh needs, beside the access token the user record holds."""
    request.session["oidc"] = {"refresh_token": token.get("refresh_token"), "expires_at": token.get("expires_at")}


async def fresh_access_token(request: Request) -> str | None:
    """A new access token when the session's is about to expire (None: nothing to do, or no refresh
    possible; the caller then signs the user out)."""
    kept = request.session.get("oidc") or {}
    expires_at = kept.get("expires_at")
    if not expires_at or float(expires_at) - REFRESH_MARGIN_S > clock.now().timestamp():
        return None
    if not kept.get("refresh_token"):
        raise OAuthError(error="no_refresh_token")
    token = await oauth_client(request).fetch_access_token(
        grant_type="refresh_token", refresh_token=kept["refresh_token"]
    )
    remember_tokens(request, {**token, "refresh_token": token.get("refresh_token") or kept["refresh_token"]})
    return str(token["access_token"])
