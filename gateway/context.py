"""Per-request GraphQL context: the caller, their upstream clients and (later) DataLoaders.

Built fresh for every request, never at module level, so nothing one caller loaded can leak
into another caller's response.
"""

from dataclasses import dataclass

from fastapi import Request
from strawberry.fastapi import BaseContext

from gateway.clients.base import CallerHeaders
from gateway.clients.registry import Upstreams
from gateway.loaders import Loaders
from services.common.auth import Principal, TokenVerifier, bearer_token
from services.common.settings import Settings


@dataclass
class GatewayContext(BaseContext):
    upstreams: Upstreams
    loaders: Loaders
    principal: Principal | None
    settings: Settings
    auth_error: Exception | None = None
    allow_anonymous: bool = False

    def __post_init__(self) -> None:
        super().__init__()


async def context_getter(request: Request) -> GatewayContext:
    state = request.app.state
    token = bearer_token(request)
    principal: Principal | None = None
    auth_error: Exception | None = None
    if token:
        verifier: TokenVerifier = state.verifier
        try:
            principal = await verifier.verify(token)
        except Exception as exc:  # reported per field that needs a caller, not for `health`
            auth_error = exc
    caller = CallerHeaders(
        authorization=request.headers.get("authorization") if principal else None,
    )
    upstreams = Upstreams.for_caller(state.http, state.settings, caller)
    return GatewayContext(
        upstreams=upstreams,
        loaders=Loaders(upstreams),
        principal=principal,
        settings=state.settings,
        auth_error=auth_error,
        allow_anonymous=state.settings.graphql_anonymous_feed,
    )
