"""Turning a volunteers mutation's input into the request the service's contract names: validated
by the same pydantic model the service validates with (a refusal field by field, before anything is
sent), with the case service's platform ticket where the service needs one."""

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from strawberry.types import Info

from gateway.context import GatewayContext
from gateway.outcomes import field_errors
from gateway.types.common import InvalidInput
from services.common.auth import Principal
from services.common.errors import _bilingual
from services.common.vocabulary import Role

GInfo = Info[GatewayContext, None]
M = TypeVar("M", bound=BaseModel)
PLATFORM_STAFF = frozenset({Role.CENTRE_STAFF, Role.STATION_STAFF, Role.COMMUNITY_WORKER})


def parsed(model: type[M], body: dict[str, Any]) -> M | InvalidInput:
    """The request as the service's contract model, or why not, field by field (as the service's
    422 would say it: the same models validate on both sides)."""
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        problem = {
            "errors": [
                {"loc": list(err["loc"]), "msg": _bilingual(dict(err)), "type": err["type"]} for err in exc.errors()
            ]
        }
        errors = field_errors(problem)
        return InvalidInput(
            message="The input did not pass validation; see `errors`.",
            message_zh="输入未通过校验，详见 errors。",
            fields=[e.field for e in errors],
            errors=errors,
            code="VALIDATION_FAILED",
        )


async def with_platform_ticket(info: GInfo, principal: Principal, body: dict[str, Any]) -> dict[str, Any]:
    """The body with the case service's sealed word on its platform's place in the tree: the
    volunteers service requires it for a platform below the caller's, and with it the platforms
    above see the row too (the caller's own platform included). A platform out of the caller's
    reach answers 404/403 here, before anything is written."""
    if principal.role not in PLATFORM_STAFF or not body.get("platform_id"):
        return body
    ticket = await info.context.upstreams.case.platforms.ticket(body["platform_id"])
    return {**body, "platform_ticket": ticket.ticket}


def passing_invalid(success: Any) -> Any:
    """`success(model)`, passing an InvalidInput found before the call through as it is."""
    return lambda m: m if isinstance(m, InvalidInput) else success(m)
