"""Strawberry's FastAPI router, answering as the GraphQL-over-HTTP spec asks.

- A client that accepts `application/graphql-response+json` gets that media type; a request that
  fails before execution (parse, validation, limits) then answers 400 without a `data` entry, as
  the spec requires. Clients that ask for `application/json` (or nothing) keep the legacy form:
  200 with `data: null` and the errors.
- Strawberry's own refusals (no query, a mutation over GET, an unknown operation name, a batch)
  are plain text there; here they are problem+json with a `code`, like every other non-GraphQL
  error of the gateway.
"""

from contextvars import ContextVar
from pathlib import Path
from typing import Any

from cross_web import HTTPException
from fastapi import Request, Response
from strawberry.fastapi import GraphQLRouter
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult
from strawberry.types.execution import PreExecutionError
from strawberry.types.unset import UNSET

from services.common.errors import problem_response

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
_wants_graphql_response: ContextVar[bool] = ContextVar("wants_graphql_response", default=False)

_CODES = {
    400: ("BAD_GRAPHQL_REQUEST", "Bad GraphQL request", "GraphQL 请求格式错误。"),
    404: ("NOT_FOUND", "Not found", "未找到。"),
    405: ("METHOD_NOT_ALLOWED", "Method not allowed", "不支持该请求方法。"),
}


def accepts_graphql_response(accept: str) -> bool:
    """Whether `application/graphql-response+json` is acceptable and preferred to `application/json`."""
    weights: dict[str, float] = {}
    for part in accept.split(","):
        media_type, *params = (p.strip() for p in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        weights[media_type.lower()] = max(quality, weights.get(media_type.lower(), 0.0))
    wanted = weights.get(GRAPHQL_RESPONSE_JSON, 0.0)
    return wanted > 0 and wanted >= weights.get("application/json", 0.0)


IDE_ASSETS = Path(__file__).parent / "static" / "graphiql"
IDE_ASSETS_URL = "/graphql-ide"
# Strawberry's GraphiQL page loads its scripts from unpkg; the gateway serves the same files itself.
_UNPKG_FILES = {
    "https://unpkg.com/graphiql@3.8.3/graphiql.min.js": "graphiql.min.js",
    "https://unpkg.com/graphiql@3.8.3/graphiql.min.css": "graphiql.min.css",
    "https://unpkg.com/@graphiql/plugin-explorer@1.0.2/dist/index.umd.js": "plugin-explorer.umd.js",
    "https://unpkg.com/@graphiql/plugin-explorer@1.0.2/dist/style.css": "plugin-explorer.css",
    "https://unpkg.com/js-cookie@3.0.5/dist/js.cookie.min.js": "js.cookie.min.js",
    "https://unpkg.com/react-dom@18.2.0/umd/react-dom.production.min.js": "react-dom.production.min.js",
    "https://unpkg.com/react@18.2.0/umd/react.production.min.js": "react.production.min.js",
}


def self_hosted_ide(html: str) -> str:
    """Strawberry's GraphiQL page with every script and style from the gateway's own files (no CDN:
    public CDNs are slow or blocked on many networks in China). The integrity hashes stay: the files
    are the same bytes. A CDN address left unreplaced (a Strawberry upgrade) fails loudly."""
    for remote, local in _UNPKG_FILES.items():
        html = html.replace(remote, f"{IDE_ASSETS_URL}/{local}")
    if "unpkg.com" in html or "cdn.jsdelivr" in html:
        raise RuntimeError("GraphiQL names a CDN file the gateway does not serve: update gateway/static/graphiql")
    return html


class GatewayRouter(GraphQLRouter[Any, None]):
    @property
    def graphql_ide_html(self) -> str:
        return self_hosted_ide(super().graphql_ide_html)

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        if not isinstance(request, Request):  # a WebSocket
            return await super().run(request, context=context, root_value=root_value)
        token = _wants_graphql_response.set(accepts_graphql_response(request.headers.get("accept", "")))
        try:
            return await super().run(request, context=context, root_value=root_value)
        except HTTPException as exc:
            code, title, detail_zh = _CODES.get(exc.status_code, ("HTTP_ERROR", "Request refused", "请求被拒绝。"))
            return problem_response(exc.status_code, code, title, exc.reason, detail_zh)
        finally:
            _wants_graphql_response.reset(token)

    async def process_result(self, request: Any, result: ExecutionResult) -> GraphQLHTTPResponse:
        response = await super().process_result(request, result)
        if _wants_graphql_response.get() and _is_request_error(result):
            response.pop("data", None)  # a request error: no `data` entry at all
        return response

    def create_response(self, response_data: Any, sub_response: Response) -> Response:
        response = super().create_response(response_data, sub_response)
        if _wants_graphql_response.get():
            response.headers["content-type"] = GRAPHQL_RESPONSE_JSON
            if isinstance(response_data, dict) and "data" not in response_data:
                response.status_code = 400
        return response


def _is_request_error(result: ExecutionResult) -> bool:
    """Refused before execution: parse, validation and limit errors, and variables that do not coerce
    (graphql-core reports those from `execute`, with no data and errors without a path)."""
    if isinstance(result, PreExecutionError):
        return True
    return result.data is None and bool(result.errors) and all(e.path is None for e in result.errors or ())
