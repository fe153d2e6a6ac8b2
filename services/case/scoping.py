"""Who may read what in the case service: the one place that adds the caller's scope.

- station staff and community workers: their platform's subtree (a station and its community
  rooms), and their region prefix when the token carries one;
- centre staff: the centre's subtree (its county), likewise;
- civil-affairs admins: everything whose region code starts with their region prefix, read-only
  and with personal data masked;
- organisations, volunteers and app clients: nothing here but public wishes.

Out-of-scope rows are simply not found (404), never "forbidden", so nothing leaks their existence.
"""

import uuid
from collections.abc import Sequence
from typing import Any, ClassVar, Protocol, TypeVar

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped

from services.case.models import Platform
from services.common.auth import Principal
from services.common.errors import BadInput
from services.common.pagination import decode_cursor, encode_cursor
from services.common.repository import ScopedRepository
from services.common.vocabulary import Role

PLATFORM_ROLES = frozenset({Role.CENTRE_STAFF, Role.STATION_STAFF, Role.COMMUNITY_WORKER})
READ_ROLES = PLATFORM_ROLES | {Role.CIVIL_AFFAIRS_ADMIN}

# Any select, whatever its columns (Select is variadic: Select[Project], Select[str, int]).
S = TypeVar("S", bound=Select[*tuple[Any, ...]])


class Scoped(Protocol):
    """A mapped class with a platform and a region code. The columns are read on the class
    (`Need.region_code`), hence ClassVar: on an instance they are plain values."""

    platform_id: ClassVar[Mapped[uuid.UUID]]
    region_code: ClassVar[Mapped[str]]


def _caller_subtree(principal: Principal) -> Select[Any]:
    caller_path = select(Platform.path).where(Platform.id == principal.platform_id).scalar_subquery()
    return select(Platform.id).where(Platform.path.startswith(caller_path))


def scope_condition(principal: Principal, model: type[Scoped]) -> ColumnElement[bool]:
    """The WHERE clause limiting `model` (anything with platform_id and region_code) to the caller."""
    region = model.region_code.startswith(principal.region) if principal.region else true()
    if principal.role is Role.CIVIL_AFFAIRS_ADMIN:
        return region
    if principal.role in PLATFORM_ROLES and principal.platform_id is not None:
        return model.platform_id.in_(_caller_subtree(principal)) & region
    return false()


def readable(statement: S, principal: Principal, model: type[Scoped]) -> S:
    """Every repository read of a scoped table goes through here."""
    return statement.where(scope_condition(principal, model))


def readable_platforms(statement: S, principal: Principal) -> S:
    """Platforms: the caller's subtree, plus its ancestors (a station may read its county centre)."""
    region = Platform.region_code.startswith(principal.region) if principal.region else true()
    if principal.role is Role.CIVIL_AFFAIRS_ADMIN:
        return statement.where(region)
    if principal.role in PLATFORM_ROLES and principal.platform_id is not None:
        caller_path = select(Platform.path).where(Platform.id == principal.platform_id).scalar_subquery()
        in_subtree = Platform.path.startswith(caller_path)
        is_ancestor = caller_path.startswith(Platform.path)
        return statement.where(in_subtree | is_ancestor)
    return statement.where(false())


def sees_personal_data(principal: Principal) -> bool:
    """Unmasked personal data is for the staff of the platform (or above it) only.

    Scope has already limited rows to the caller's subtree, so within it every platform role
    sees names, ID numbers, phones and addresses; civil-affairs admins work with statistics
    and see them masked.
    """
    return principal.role in PLATFORM_ROLES


def can_write(principal: Principal) -> bool:
    return principal.role in PLATFORM_ROLES and principal.platform_id is not None


async def count_readable(
    repository: ScopedRepository[Any], session: AsyncSession, principal: Principal | None, **asked: Any
) -> int:
    """The rows `repository.search(**asked)` would page through, counted: the repository's own scope
    (`readable`) applies, as to its pages."""
    statement = repository.readable(select(func.count()).select_from(repository.model), principal)
    for name, value in asked.items():
        if value is not None and value != "":
            statement = statement.where(repository.filters[name](value))
    return int(await session.scalar(statement) or 0)


async def search_backwards(
    repository: ScopedRepository[Any],
    session: AsyncSession,
    principal: Principal | None,
    *,
    before: str | None,
    limit: int,
    **asked: Any,
) -> tuple[Sequence[Any], str | None]:
    """The `limit` rows just before `before` in the list's order (newest first), i.e. the oldest of
    those newer than it (without `before`: the list's last rows), still newest first; and the
    cursor to page further back (toward the newest), None when there is nothing more."""
    model = repository.model
    statement = repository.readable(select(model), principal)
    for name, value in asked.items():
        if value is not None and value != "":
            statement = statement.where(repository.filters[name](value))
    if before:
        at, row_id = decode_cursor(before)
        statement = statement.where(or_(model.created_at > at, and_(model.created_at == at, model.id > row_id)))
    statement = statement.order_by(model.created_at.asc(), model.id.asc()).limit(limit + 1)
    rows = list((await session.scalars(statement)).all())
    more = len(rows) > limit
    rows = rows[:limit][::-1]
    return rows, encode_cursor(rows[0].created_at, rows[0].id) if more and rows else None


async def page_of(
    repository: ScopedRepository[Any],
    session: AsyncSession,
    principal: Principal | None,
    cursor: str | None,
    before: str | None,
    limit: int,
    asked: dict[str, Any],
) -> tuple[Sequence[Any], str | None, str | None]:
    """A list's page forwards (after `cursor`) or backwards (`before`, "" for the last rows): the
    rows newest first, the cursor to go on (older rows) and the one to go back (newer rows)."""
    if before is None:
        rows, next_cursor = await repository.search(session, principal, cursor=cursor, limit=limit, **asked)
        return rows, next_cursor, None
    if cursor:
        raise BadInput("Page forwards (cursor) or backwards (before), not both.", "分页只能向前或向后之一。")
    rows, previous_cursor = await search_backwards(
        repository, session, principal, before=before or None, limit=limit, **asked
    )
    # Rows older than this page exist when it was read before a cursor (the cursor's row at least).
    next_cursor = encode_cursor(rows[-1].created_at, rows[-1].id) if before and rows else None
    return rows, next_cursor, previous_cursor
