"""Mutation outcomes: an expected upstream refusal becomes a member of the mutation's own union.

`outcome(call, success, Result)` reads the members of `Result` (the mutation's declared union) and
turns a refusal into the member that names it: first a member registered for the refusal's code
(`@refusal_for("OFFER_EXHAUSTED")`), then the generic member for its status (InvalidInput for
400/422, NotFound for 404, Conflict for 409, StaleVersion for 412/428). A refusal with no member in
the union is raised as a top-level GraphQL error carrying the upstream code (never INTERNAL) and
logged, so that the union test (tests/gateway/test_mutation_unions.py) can show it. Nothing outside
the declared union is ever returned.
"""

import logging
import typing
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from gateway.clients.base import UpstreamError
from gateway.types.common import Conflict, FieldError, InvalidInput, NotFound, StaleVersion

T = TypeVar("T")
Refusal = InvalidInput | NotFound | Conflict | StaleVersion

logger = logging.getLogger("wushe.graphql")

# upstream code -> (member type, how to build it from the refusal)
_BY_CODE: dict[str, list[tuple[type, Callable[[UpstreamError], Any]]]] = {}


def refusal_for(*codes: str) -> Callable[[type[T]], type[T]]:
    """Register a union member for the upstream codes it stands for. The type is built with the
    refusal's `message` and `message_zh` and any of its fields named like the problem's keys; a
    `from_refusal(exc)` classmethod, if the type has one, builds it instead."""

    def register(cls: type[T]) -> type[T]:
        build = getattr(cls, "from_refusal", None) or (lambda exc: _generic_member(cls, exc))
        for code in codes:
            _BY_CODE.setdefault(code, []).append((cls, build))
        return cls

    return register


def registered_codes() -> dict[str, list[type]]:
    return {code: [cls for cls, _ in members] for code, members in _BY_CODE.items()}


def union_members(result: Any) -> tuple[type, ...]:
    """The member types of a declared result union (`Annotated[A | B, strawberry.union(...)]`)."""
    if typing.get_origin(result) is typing.Annotated:
        result = typing.get_args(result)[0]
    members = typing.get_args(result)
    return members if members else (result,)


def messages(exc: UpstreamError) -> tuple[str, str]:
    p = exc.problem
    return str(p.get("detail", exc)), str(p.get("detail_zh", ""))


def field_errors(problem: dict[str, Any]) -> list[FieldError]:
    """Per-field reasons of a 422 (`errors[].loc/msg`, the message "english / 中文") or of a
    service's refusal of one field (`field`)."""
    out: list[FieldError] = []
    for e in problem.get("errors", []) or []:
        loc = [str(part) for part in e.get("loc", [])]
        if loc and loc[0] in ("body", "query", "path", "header"):
            loc = loc[1:]
        english, _, chinese = str(e.get("msg", "")).partition(" / ")
        out.append(
            FieldError(field=".".join(loc), message=english, message_zh=chinese or english, code=str(e.get("type", "")))
        )
    if isinstance(problem.get("field"), str):
        message, message_zh = str(problem.get("detail", "")), str(problem.get("detail_zh", ""))
        out.append(
            FieldError(
                field=problem["field"], message=message, message_zh=message_zh, code=str(problem.get("code", ""))
            )
        )
    return out


def _generic_member(cls: type, exc: UpstreamError) -> Any:
    message, message_zh = messages(exc)
    if cls is InvalidInput:
        errors = field_errors(exc.problem)
        return InvalidInput(
            message=message, message_zh=message_zh, fields=[e.field for e in errors], errors=errors, code=exc.code
        )
    if cls is NotFound:
        return NotFound(message=message, message_zh=message_zh)
    if cls is Conflict:
        p = exc.problem
        return Conflict(
            code=exc.code,
            message=message,
            message_zh=message_zh,
            current_state=p.get("current_state"),
            allowed=p.get("allowed"),
        )
    if cls is StaleVersion:
        return StaleVersion(message=message, message_zh=message_zh)
    names = {f for f in getattr(cls, "__annotations__", {})}
    extra = {name: exc.problem[name] for name in names if name in exc.problem and name not in ("message", "message_zh")}
    if "code" in names:
        extra["code"] = exc.code
    return cls(message=message, message_zh=message_zh, **extra)


_BY_STATUS: dict[int, type] = {
    400: InvalidInput,
    422: InvalidInput,
    404: NotFound,
    409: Conflict,
    412: StaleVersion,
    428: StaleVersion,
}


def refusal_in(exc: UpstreamError, members: tuple[type, ...]) -> Any | None:
    """The member of `members` this refusal is, or None when the union has none for it."""
    for cls, build in _BY_CODE.get(exc.code, []):
        if cls in members:
            return build(exc)
    generic = _BY_STATUS.get(exc.status)
    if generic is not None and generic in members:
        return _generic_member(generic, exc)
    return None


def refusal(exc: UpstreamError) -> Refusal | None:
    """The generic member for a refusal (for callers with all four generic members in their union)."""
    return refusal_in(exc, (InvalidInput, NotFound, Conflict, StaleVersion))


def refuse_or_raise(exc: UpstreamError, result: Any) -> Any:
    """The member of the declared union `result` for this refusal; re-raised (a coded top-level
    error) when the union has none."""
    member = refusal_in(exc, union_members(result))
    if member is None:
        if exc.status < 500 and exc.status not in (401, 403):
            logger.warning("refusal %s (%s) has no member in %s", exc.code, exc.status, result)
        raise exc
    return member


async def outcome(call: Callable[[], Awaitable[Any]], success: Callable[[Any], T], result: Any = None) -> Any:
    """`success(body)` of the call, or its refusal as a member of `result` (the declared union;
    omitted: the four generic members)."""
    try:
        body = await call()
    except UpstreamError as exc:
        if result is None:
            member = refusal(exc)
            if member is None:
                raise
            return member
        return refuse_or_raise(exc, result)
    return success(body)
