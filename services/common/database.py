"""Async SQLAlchemy 2 engine and sessions on asyncpg; the request owns the unit of work."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends
from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from starlette.requests import Request

from services.common.personal_data import request_vault

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def service_metadata(schema: str) -> MetaData:
    """Each service owns one PostgreSQL schema; all its tables live there."""
    return MetaData(schema=schema, naming_convention=NAMING_CONVENTION)


def to_async_url(url: str) -> str:
    """Accept plain `postgresql://` URLs (as operators write them) and use asyncpg."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    return url


def create_engine(url: str, pool_size: int = 10, max_overflow: int = 10) -> AsyncEngine:
    return create_async_engine(
        to_async_url(url),
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_pre_ping=False,  # a ping per checkout is a round trip per request; asyncpg reports dead connections itself
        pool_recycle=1800,
    )


@dataclass
class Database:
    """The engine and session factory of one process, kept on `app.state.db`."""

    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]

    @classmethod
    def connect(cls, url: str, pool_size: int = 10, max_overflow: int = 10) -> "Database":
        engine = create_engine(url, pool_size, max_overflow)
        return cls(engine, async_sessionmaker(engine, expire_on_commit=False))

    async def dispose(self) -> None:
        await self.engine.dispose()


async def unit_of_work(request: Request) -> AsyncIterator[AsyncSession]:
    """FastAPI dependency: one session per request, committed on success, rolled back on error.

    Services and repositories only `flush()`; the commit happens here, once.
    """
    database: Database = request.app.state.db
    async with database.sessions() as session:
        session.info["vault"] = request_vault(request)  # for the kit's helpers (idempotency seals answers)
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


# scope="function": commit before the response is sent, so a 2xx means the data is committed
# (the default "request" scope would commit afterwards, and a failed commit would go unseen).
DbSession = Annotated[AsyncSession, Depends(unit_of_work, scope="function")]
