"""Fixtures shared by every test: one real PostgreSQL per test session, migrated once.

Each test gets a connection inside a transaction that is rolled back afterwards; apps built with
`database=` run their unit of work in savepoints on that connection. Tests that need real
concurrency (separate connections that commit) use `committed_db`, which empties the tables
afterwards instead.
"""

import asyncio
from collections.abc import AsyncIterator, Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, async_sessionmaker

from services.common.database import Database, create_engine
from services.common.migrations import SERVICES, upgrade_all
from services.common.settings import Settings
from tests.support.database import (
    create_database,
    drop_database,
    postgres_server_url,
)


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    with postgres_server_url() as url:
        yield url


@pytest.fixture(scope="session")
async def database_url(server_url: str) -> AsyncIterator[str]:
    url = await create_database(server_url, "wushe_test")
    await asyncio.to_thread(upgrade_all, url)
    yield url
    await drop_database(server_url, url)


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    return Settings(environment="test", database_url=database_url, log_json=False, log_level="WARNING")


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url, pool_size=20, max_overflow=20)
    yield engine
    await engine.dispose()


@pytest.fixture
async def connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    async with engine.connect() as connection:
        transaction = await connection.begin()
        yield connection
        await transaction.rollback()


@pytest.fixture
def rolled_back_db(engine: AsyncEngine, connection: AsyncConnection) -> Database:
    """A Database whose sessions commit into savepoints of the test's rolled-back transaction."""
    sessions = async_sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    return Database(engine=engine, sessions=sessions)


@pytest.fixture
async def committed_db(engine: AsyncEngine) -> AsyncIterator[Database]:
    """Real commits on pooled connections (for concurrency tests); tables emptied afterwards."""
    yield Database(engine=engine, sessions=async_sessionmaker(engine, expire_on_commit=False))
    async with engine.begin() as connection:
        for schema in SERVICES:
            tables = await connection.scalars(
                text("SELECT tablename FROM pg_tables WHERE schemaname = :schema AND tablename <> 'alembic_version'"),
                {"schema": schema},
            )
            names = ", ".join(f'"{schema}"."{name}"' for name in tables)
            if names:
                await connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
