"""Every service's Alembic history on a real database: reversible, and in step with the models."""

import asyncio
from collections.abc import AsyncIterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, text

from services.case.models import Base as CaseBase
from services.common.database import create_engine
from services.common.migrations import SERVICES, downgrade, head_revision, upgrade, upgrade_all
from services.resources.models import Base as ResourcesBase
from services.volunteers.models import Base as VolunteersBase
from tests.support.database import create_database, drop_database

METADATA: dict[str, MetaData] = {
    "case": CaseBase.metadata,
    "resources": ResourcesBase.metadata,
    "volunteers": VolunteersBase.metadata,
}


@pytest.fixture
async def scratch_url(server_url: str) -> AsyncIterator[str]:
    url = await create_database(server_url, "wushe_migrations")
    yield url
    await drop_database(server_url, url)


async def _tables(url: str, schema: str) -> set[str]:
    engine = create_engine(url)
    async with engine.connect() as connection:
        names = await connection.scalars(text("SELECT tablename FROM pg_tables WHERE schemaname = :s"), {"s": schema})
        result = set(names)
    await engine.dispose()
    return result


@pytest.mark.parametrize("service", SERVICES)
async def test_upgrade_downgrade_upgrade(scratch_url: str, service: str) -> None:
    await asyncio.to_thread(upgrade, service, scratch_url)
    upgraded = await _tables(scratch_url, service)
    assert set(METADATA[service].tables) <= {f"{service}.{name}" for name in upgraded}

    await asyncio.to_thread(downgrade, service, scratch_url)
    assert await _tables(scratch_url, service) == {"alembic_version"}

    await asyncio.to_thread(upgrade, service, scratch_url)
    assert await _tables(scratch_url, service) == upgraded


@pytest.mark.parametrize("service", SERVICES)
async def test_models_and_migrations_agree(database_url: str, service: str) -> None:
    """Autogenerate against the migrated database finds nothing to add, drop or alter."""
    engine = create_engine(database_url)

    def diff(sync_connection):  # type: ignore[no-untyped-def]
        context = MigrationContext.configure(
            sync_connection,
            opts={
                "include_schemas": True,
                "include_name": lambda name, type_, _: type_ != "schema" or name == service,
                "compare_type": True,
                "version_table_schema": service,
            },
        )
        return compare_metadata(context, METADATA[service])

    async with engine.connect() as connection:
        differences = await connection.run_sync(diff)
    await engine.dispose()
    assert differences == []


@pytest.mark.parametrize("service", SERVICES)
async def test_each_history_has_one_head(service: str) -> None:
    assert head_revision(service) is not None


async def test_upgrade_all_is_idempotent(scratch_url: str) -> None:
    await asyncio.to_thread(upgrade_all, scratch_url)
    await asyncio.to_thread(upgrade_all, scratch_url)
    for service in SERVICES:
        assert "alembic_version" in await _tables(scratch_url, service)


async def test_naive_consent_times_are_read_as_beijing_time_and_rewritten_in_utc(scratch_url: str) -> None:
    await asyncio.to_thread(upgrade, "case", scratch_url, "a6f07816a388")
    engine = create_engine(scratch_url)
    insert = text(
        """INSERT INTO "case".recipients (id, platform_id, region_code, name, gender, birth_date, categories,
        id_number_encrypted, id_number_hash, consent, version)
        VALUES (gen_random_uuid(), gen_random_uuid(), '150781001', 'x', 'male', '1944-06-01', '{elderly}',
        'e', :hash, CAST(:consent AS jsonb), 1)"""
    )
    async with engine.begin() as connection:
        await connection.execute(text("SET session_replication_role = replica"))  # no platform row needed
        for number, given_at in enumerate(["2026-11-01T09:30:00", "2026-11-01T09:30:00+08:00"]):
            consent = f'{{"given_by": "本人", "given_at": "{given_at}", "purpose": "p"}}'
            await connection.execute(insert, {"hash": str(number), "consent": consent})
    await asyncio.to_thread(upgrade, "case", scratch_url)
    async with engine.connect() as connection:
        stored = await connection.scalars(text("""SELECT consent->>'given_at' FROM "case".recipients ORDER BY 1"""))
        times = list(stored)
    await engine.dispose()
    assert times == ["2026-11-01T01:30:00Z", "2026-11-01T09:30:00+08:00"]
