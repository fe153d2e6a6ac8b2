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
from typing import Any, ClassVar, Protocol, TypeVar

from sqlalchemy import ColumnElement, Select, false, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped

from services.case.models import Platform
from services.common.auth import Principal
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
