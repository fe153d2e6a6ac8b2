"""Who may call which root field: checked once per root field, never per nested field.

Services enforce authorization and masking themselves; the gateway adds what only it can know:
app-client scopes, and whether anonymous callers may read the public feed.
"""

from strawberry.types import Info

from gateway.context import GatewayContext
from gateway.errors import forbidden, unauthenticated
from services.common.auth import Principal
from services.common.vocabulary import Role


def caller(
    info: Info[GatewayContext, None], *, scope: str | None = None, roles: frozenset[Role] | None = None
) -> Principal:
    """The authenticated caller, refused with UNAUTHENTICATED or FORBIDDEN as appropriate.

    App clients need `scope` (and are refused any field that names none); other roles must be
    in `roles` when it is given.
    """
    principal = info.context.principal
    if principal is None:
        raise unauthenticated()
    if principal.role is Role.APP_CLIENT:
        if scope is None or not principal.has_scope(scope):
            raise forbidden(
                f"This app lacks the scope {scope or '(staff only)'}.",
                f"该应用缺少权限 {scope or '（仅限工作人员）'}。",
            )
    elif roles is not None and principal.role not in roles:
        raise forbidden(
            f"Role {principal.role.value} may not do this.", f"角色 {principal.role.label} 无权执行此操作。"
        )
    return principal


def public_reader(info: Info[GatewayContext, None], scope: str) -> Principal | None:
    """Open feeds: anonymous when settings allow it, apps with `scope`, every other role."""
    context = info.context
    if context.principal is None:
        if context.auth_error is not None or not context.allow_anonymous:
            raise unauthenticated()
        return None
    return caller(info, scope=scope)
