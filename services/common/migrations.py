"""One Alembic environment per service, each in its own schema with its own version table."""

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.environment import NameFilterParentNames, NameFilterType
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, pool, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from services.common.database import to_async_url

SERVICES = ("case", "resources", "volunteers")
MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"
VERSION_TABLE = "alembic_version"


def alembic_config(service: str, database_url: str | None = None) -> Config:
    if service not in SERVICES:
        raise ValueError(f"unknown service {service!r}")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR / service))
    config.set_main_option("service", service)
    config.set_main_option("file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s")
    if database_url:
        config.set_main_option("sqlalchemy.url", to_async_url(database_url).replace("%", "%%"))
    return config


def head_revision(service: str) -> str | None:
    return ScriptDirectory.from_config(alembic_config(service)).get_current_head()


def known_revisions(service: str) -> set[str | None]:
    """Every revision in this code's history for the service (None: nothing migrated yet)."""
    script = ScriptDirectory.from_config(alembic_config(service))
    return {r.revision for r in script.walk_revisions()} | {None}


def upgrade(service: str, database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(service, database_url), revision)


def downgrade(service: str, database_url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(service, database_url), revision)


def upgrade_all(database_url: str) -> None:
    for service in SERVICES:
        upgrade(service, database_url)


async def current_revision(engine: AsyncEngine, schema: str) -> str | None:
    async with engine.connect() as connection:
        return await connection.run_sync(
            lambda sync: MigrationContext.configure(
                sync, opts={"version_table_schema": schema, "version_table": VERSION_TABLE}
            ).get_current_revision()
        )


def run_env(metadata: MetaData, schema: str) -> None:
    """The body of every service's `env.py` (online mode, asyncpg)."""
    from alembic import context

    config = context.config
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        from services.common.settings import get_settings

        url = to_async_url(get_settings().database_url)

    def include_name(name: str | None, type_: NameFilterType, parent_names: NameFilterParentNames) -> bool:
        if type_ == "schema":
            return name == schema
        return True

    def run(connection: Connection) -> None:
        connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        context.configure(
            connection=connection,
            target_metadata=metadata,
            version_table=VERSION_TABLE,
            version_table_schema=schema,
            include_schemas=True,
            include_name=include_name,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()

    async def main() -> None:
        engine = create_async_engine(url, poolclass=pool.NullPool)
        async with engine.begin() as connection:
            await connection.run_sync(run)
        await engine.dispose()

    existing = context.config.attributes.get("connection")
    if existing is not None:
        run(existing)
    else:
        asyncio.run(main())
