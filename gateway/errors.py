"""GraphQL errors with `extensions.code`, and the mapping from upstream problems to them."""

from typing import Any

from graphql import GraphQLError

from gateway.clients.base import UpstreamError, UpstreamUnavailable

# Upstream problem codes that keep a more specific GraphQL code; the rest map by HTTP status.
_BY_STATUS = {
    400: "BAD_USER_INPUT",
    401: "UNAUTHENTICATED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    409: "CONFLICT",
    412: "STALE_VERSION",
    422: "BAD_USER_INPUT",
    428: "STALE_VERSION",
}
_KEPT_CODES = {"PERSONAL_DATA_IN_TEXT"}  # upstream codes GraphQL keeps as they are


def graphql_error(code: str, message: str, message_zh: str = "", **extensions: Any) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code, "messageZh": message_zh, **extensions})


def bad_input(message: str, message_zh: str) -> GraphQLError:
    return graphql_error("BAD_USER_INPUT", message, message_zh)


def forbidden(message: str = "Not allowed for this caller.", message_zh: str = "无权执行此操作。") -> GraphQLError:
    return graphql_error("FORBIDDEN", message, message_zh)


def unauthenticated() -> GraphQLError:
    return graphql_error("UNAUTHENTICATED", "A valid bearer token is required.", "需要有效的 Bearer 令牌。")


def from_upstream(exc: UpstreamError | UpstreamUnavailable) -> GraphQLError:
    if isinstance(exc, UpstreamUnavailable):
        return graphql_error(
            "UPSTREAM_UNAVAILABLE",
            f"The {exc.service} service is unavailable.",
            f"{exc.service} 服务暂不可用。",
            service=exc.service,
        )
    problem = exc.problem
    return graphql_error(
        exc.code if exc.code in _KEPT_CODES else _BY_STATUS.get(exc.status, "BAD_USER_INPUT"),
        str(problem.get("detail") or exc),
        str(problem.get("detail_zh") or ""),
        upstreamCode=exc.code,
        **{
            k: v
            for k, v in problem.items()
            if k in ("errors", "current_state", "allowed", "existing", "current_version", "field", "found")
        },
    )
