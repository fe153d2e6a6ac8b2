"""The plain reads every aggregate has — one by id, many by ids, a filtered keyset page — written once.

A service's repository subclasses `ScopedRepository` for each aggregate, names its `model` and
its list `filters`, and binds it to the service's scope function:

    class CaseRepository(ScopedRepository[Case]):
        model = Case
        filters = filter_set(state=equals(Case.state), region=prefix(Case.region_code))

    cases = CaseRepository(readable)
    get, get_many, search = cases.get, cases.get_many, cases.search

Every statement the base builds goes through that scope function (tests/scope/test_repositories.py
checks both), so a subclass cannot forget it. Special queries stay plain functions in the module.
"""

import uuid
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.auth import Principal
from services.common.pagination import fetch_page

M = TypeVar("M")
Filter = Callable[[Any], ColumnElement[bool]]


class Scope(Protocol):
    """A service's scope function: `statement` narrowed to the rows of `model` the caller may read."""

    # Any: the case and volunteers services' scope needs a principal, the resources service's also
    # answers None (the public fund ledger); the repository passes on what its caller gave.
    def __call__(self, statement: Select[Any], principal: Any, model: type[Any], /) -> Select[Any]: ...


def filter_set(**filters: Filter) -> Mapping[str, Filter]:
    """The filters a repository's `search` accepts, by keyword (read-only, shared by the class)."""
    return MappingProxyType(filters)


def equals(column: Any) -> Filter:
    """A list filter: the column equals the value asked."""
    return lambda value: column == value


def prefix(column: Any) -> Filter:
    """A list filter: the column (a region code) starts with the value asked."""
    return lambda value: column.startswith(value, autoescape=True)


class ScopedRepository(Generic[M]):
    """get / get_many / search of one mapped class, each through the bound scope function."""

    model: ClassVar[type[Any]]
    # Filters `search` accepts, by keyword; a value of None (or "") means "not asked".
    filters: ClassVar[Mapping[str, Filter]] = MappingProxyType({})
    # Re-read rows already in the session (state is changed by conditional UPDATEs elsewhere).
    refresh: ClassVar[bool] = False

    def __init__(self, readable: Scope) -> None:
        self._readable = readable

    def readable(self, statement: Select[Any], principal: Principal | None) -> Select[Any]:
        """`statement` in the caller's scope for this repository's model."""
        statement = self._readable(statement, principal, self.model)
        return statement.execution_options(populate_existing=True) if self.refresh else statement

    async def get(
        self,
        session: AsyncSession,
        principal: Principal | None,
        row_id: uuid.UUID,
        *,
        lock: bool = False,
        fresh: bool = False,
    ) -> M | None:
        """The row with this id if the caller may read it, else None; locked FOR UPDATE when asked,
        and re-read from the database (`fresh`) when a conditional UPDATE may have changed it."""
        statement = self.readable(select(self.model).where(self.model.id == row_id), principal)
        if lock:
            statement = statement.with_for_update(of=self.model)
        if fresh:
            statement = statement.execution_options(populate_existing=True)
        row: M | None = await session.scalar(statement)
        return row

    async def get_many(
        self, session: AsyncSession, principal: Principal | None, ids: Sequence[uuid.UUID]
    ) -> Sequence[M]:
        """The rows with these ids the caller may read, in no particular order (batch loads)."""
        statement = self.readable(select(self.model).where(self.model.id.in_(ids)), principal)
        return (await session.scalars(statement)).all()

    async def search(
        self, session: AsyncSession, principal: Principal | None, *, cursor: str | None, limit: int, **asked: Any
    ) -> tuple[Sequence[M], str | None]:
        """A page of the rows the caller may read matching the filters asked, newest first."""
        unknown = set(asked) - set(self.filters)
        if unknown:
            raise TypeError(f"{type(self).__name__}.search has no filter {sorted(unknown)}")
        statement = self.readable(select(self.model), principal)
        for name, value in asked.items():
            if value is not None and value != "":
                statement = statement.where(self.filters[name](value))
        return await fetch_page(session, statement, self.model.created_at, self.model.id, cursor, limit)


def first_entity_scope(readable: Callable[[Select[Any], Principal], Select[Any]]) -> Scope:
    """Bind a scope function that finds the model from the statement itself (resources)."""

    def scoped(statement: Select[Any], principal: Any, model: type[Any], /) -> Select[Any]:
        return readable(statement, principal)

    return scoped
