"""Mutation outcomes: expected upstream refusals become members of the result union."""

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from gateway.clients.base import UpstreamError
from gateway.types.common import Conflict, InvalidInput, NotFound, StaleVersion

T = TypeVar("T")
Refusal = InvalidInput | NotFound | Conflict | StaleVersion


def refusal(exc: UpstreamError) -> Refusal | None:
    p = exc.problem
    message, message_zh = str(p.get("detail", exc)), str(p.get("detail_zh", ""))
    if exc.status in (400, 422):
        fields = [".".join(str(part) for part in e.get("loc", [])[1:]) for e in p.get("errors", [])]
        if isinstance(p.get("field"), str):
            fields.append(p["field"])  # a service's refusal of one field (PERSONAL_DATA_IN_TEXT)
        return InvalidInput(message=message, message_zh=message_zh, fields=fields, code=exc.code)
    if exc.status == 404:
        return NotFound(message=message, message_zh=message_zh)
    if exc.status == 409:
        return Conflict(
            code=exc.code,
            message=message,
            message_zh=message_zh,
            current_state=p.get("current_state"),
            allowed=p.get("allowed"),
        )
    if exc.status in (412, 428):
        return StaleVersion(message=message, message_zh=message_zh)
    return None  # 401/403 and anything unexpected stay top-level errors


async def outcome(call: Callable[[], Awaitable[Any]], success: Callable[[Any], T]) -> T | Refusal:
    try:
        body = await call()
    except UpstreamError as exc:
        result = refusal(exc)
        if result is None:
            raise
        return result
    return success(body)
