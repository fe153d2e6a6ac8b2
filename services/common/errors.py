"""Domain errors and their one rendering: RFC 9457 problem+json with a stable `code`.

Services raise these (never `HTTPException`); `install_error_handlers` renders them, request
validation failures, unknown routes and unexpected crashes alike, so a caller never sees a
stack trace. Every message is given in English (`detail`) and zh-CN (`detail_zh`).
"""

import logging
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from services.common.request_context import current_request_id

PROBLEM_JSON = "application/problem+json"
logger = logging.getLogger("wushe.errors")


class DomainError(Exception):
    """An expected failure with an HTTP status, a stable code and a bilingual message."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = "BAD_REQUEST"
    title: ClassVar[str] = "Bad request"

    def __init__(self, detail: str, detail_zh: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.detail_zh = detail_zh
        self.extra = extra


class BadInput(DomainError):
    status, code, title = 400, "BAD_USER_INPUT", "Bad input"


class IdentityProviderUnavailable(DomainError):
    status, code, title = 503, "IDENTITY_PROVIDER_UNAVAILABLE", "Identity provider unavailable"


class Unauthenticated(DomainError):
    status, code, title = 401, "UNAUTHENTICATED", "Unauthenticated"


class Forbidden(DomainError):
    status, code, title = 403, "FORBIDDEN", "Forbidden"


class RegionOutOfScope(Forbidden):
    code = "REGION_OUT_OF_SCOPE"


def region_out_of_scope(region: str, scope: str) -> RegionOutOfScope:
    """Figures are for exactly the region asked, or refused: never clipped to the caller's scope."""
    return RegionOutOfScope(
        f"Region {region} is not within your scope ({scope or 'none'}); ask for a region inside it.",
        f"行政区划 {region} 不在您的管辖范围（{scope or '无'}）之内，请查询范围内的区划。",
        region=region,
        scope=scope,
    )


class NotFound(DomainError):
    status, code, title = 404, "NOT_FOUND", "Not found"


class Conflict(DomainError):
    status, code, title = 409, "CONFLICT", "Conflict"


class InvalidTransition(DomainError):
    status, code, title = 409, "INVALID_TRANSITION", "Invalid state transition"


class OverAllocated(DomainError):
    status, code, title = 409, "OVER_ALLOCATED", "Not enough available"


class StaleVersion(DomainError):
    status, code, title = 412, "STALE_VERSION", "Stale version"


class PreconditionRequired(DomainError):
    status, code, title = 428, "PRECONDITION_REQUIRED", "If-Match required"


class IdempotencyKeyReused(DomainError):
    status, code, title = 422, "IDEMPOTENCY_KEY_REUSED", "Idempotency key reused"


def problem_response(status: int, code: str, title: str, detail: str, detail_zh: str, **extra: Any) -> JSONResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "code": code,
        "detail": detail,
        "detail_zh": detail_zh,
        "request_id": current_request_id(),
    }
    body.update(extra)
    # RFC 9110 §11.6.1 / RFC 6750: a 401 names the scheme the client should authenticate with.
    headers = {"WWW-Authenticate": 'Bearer realm="wushe"'} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


async def _domain_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    return problem_response(exc.status, exc.code, exc.title, exc.detail, exc.detail_zh, **exc.extra)


# zh-CN for pydantic's own messages (ours already read "english / 中文").
_PYDANTIC_ZH = {
    "extra_forbidden": "不接受该字段",
    "missing": "缺少必填字段",
    "string_type": "须为字符串",
    "string_too_short": "文本过短",
    "string_too_long": "文本过长",
    "string_pattern_mismatch": "格式不正确",
    "int_type": "须为整数",
    "int_parsing": "须为整数",
    "bool_type": "须为布尔值",
    "bool_parsing": "须为布尔值",
    "greater_than": "数值过小",
    "greater_than_equal": "数值过小",
    "less_than": "数值过大",
    "less_than_equal": "数值过大",
    "too_short": "项目过少",
    "too_long": "项目过多",
    "enum": "不是允许的取值",
    "literal_error": "不是允许的取值",
    "uuid_parsing": "须为 UUID",
    "uuid_type": "须为 UUID",
    "json_invalid": "JSON 格式错误",
    "model_attributes_type": "须为对象",
    "dict_type": "须为对象",
    "list_type": "须为数组",
}


def _bilingual(err: dict[str, Any]) -> str:
    message = str(err.get("msg", "")).removeprefix("Value error, ")
    if " / " in message:
        return message
    return f"{message} / {_PYDANTIC_ZH.get(str(err.get('type', '')), '格式不正确')}"


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    if exc.errors() and all(err.get("type") == "json_invalid" for err in exc.errors()):
        # Not JSON at all is a malformed request (400), not a body that failed validation (422).
        return problem_response(
            400,
            "MALFORMED_JSON",
            "Malformed JSON",
            "The request body is not valid JSON.",
            "请求体不是有效的 JSON。",
        )
    errors = [
        {"loc": list(err.get("loc", ())), "msg": _bilingual(err), "type": err.get("type", "")} for err in exc.errors()
    ]
    return problem_response(
        422,
        "VALIDATION_FAILED",
        "Validation failed",
        "The request did not pass validation; see `errors`.",
        "请求数据未通过校验，详见 errors。",
        errors=errors,
    )


_HTTP_CODES = {
    401: ("UNAUTHENTICATED", "未认证"),
    403: ("FORBIDDEN", "无权访问"),
    404: ("NOT_FOUND", "未找到"),
    405: ("METHOD_NOT_ALLOWED", "不支持该请求方法"),
    413: ("PAYLOAD_TOO_LARGE", "请求体过大"),
    415: ("UNSUPPORTED_MEDIA_TYPE", "不支持的内容类型"),
}


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code, zh = _HTTP_CODES.get(exc.status_code, ("HTTP_ERROR", "请求错误"))
    detail = exc.detail if isinstance(exc.detail, str) else code
    response = problem_response(exc.status_code, code, detail, detail, zh)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def _unexpected_error(_: Request, exc: Exception) -> JSONResponse:
    logger.exception("unhandled error", exc_info=exc)
    return problem_response(
        500,
        "INTERNAL",
        "Internal error",
        "An unexpected error occurred; it has been logged with the request id.",
        "服务器内部错误，已按请求编号记录。",
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
