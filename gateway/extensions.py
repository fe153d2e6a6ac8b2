"""Schema extensions: upstream failures carry `extensions.code`; unexpected ones are masked."""

import logging

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from gateway.clients.base import UpstreamError, UpstreamUnavailable
from gateway.errors import from_upstream

logger = logging.getLogger("wushe.gateway")


def assign_error_codes(errors: list[GraphQLError]) -> None:
    """Every error leaves with `extensions.code`: upstream problems mapped, unknown crashes masked."""
    for error in errors:
        original = error.original_error
        if isinstance(original, UpstreamError | UpstreamUnavailable):
            mapped = from_upstream(original)
            error.message, error.extensions = mapped.message, mapped.extensions
        elif original is not None and not isinstance(original, GraphQLError):
            logger.error("unexpected error in resolver", exc_info=original)
            error.message = "Internal error; it has been logged with the request id."
            error.extensions = {"code": "INTERNAL", "messageZh": "服务器内部错误。"}
        elif not (error.extensions or {}).get("code"):
            code = "GRAPHQL_PARSE_FAILED" if error.message.startswith("Syntax Error") else "GRAPHQL_VALIDATION_FAILED"
            error.extensions = {**(error.extensions or {}), "code": code}


class UpstreamCallCount(SchemaExtension):
    """`extensions.upstreamCalls` on every response outside production: what a query cost upstream."""

    def get_results(self) -> dict[str, object]:
        context = self.execution_context.context
        upstreams = getattr(context, "upstreams", None)
        return {"upstreamCalls": upstreams.calls} if upstreams is not None else {}
