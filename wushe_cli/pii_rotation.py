"""`wushe rotate-pii-key`: every encrypted column of every service re-encrypted under the first key.

Which columns: every column named `*_encrypted` in the three services' tables (found from their
models, so a new one is not forgotten), plus the sealed answers of `idempotency_keys`. Each table
is walked in primary-key order in batches; a batch is locked (`FOR UPDATE`), re-encrypted and
committed on its own. A value already under the first key is left as it is, so a second run
changes nothing and an interrupted run simply goes on where the work is left: no cursor to keep.
"""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy import Column, Table, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncEngine

from services.case.models import Base as CaseBase
from services.common.database import create_engine
from services.common.personal_data import PersonalDataVault
from services.common.settings import get_settings
from services.resources.models import Base as ResourcesBase
from services.volunteers.models import Base as VolunteersBase
from wushe_cli.postgres import DEFAULT_DATA_DIR
from wushe_cli.stack import resolve_database

SEALED = "sealed"  # an idempotency answer stored as {"sealed": <Fernet token>}


@dataclass
class TableCount:
    rows: int = 0
    rotated: int = 0  # values re-encrypted (a row may hold several)


@dataclass
class RotationReport:
    tables: dict[str, TableCount] = field(default_factory=dict)

    @property
    def rotated(self) -> int:
        return sum(count.rotated for count in self.tables.values())


@dataclass(frozen=True)
class Target:
    table: Table
    columns: tuple[Column[Any], ...]  # *_encrypted text columns
    sealed: Column[Any] | None = None  # a JSONB column holding {"sealed": token}

    @property
    def name(self) -> str:
        return f"{self.table.schema}.{self.table.name}"


def targets() -> list[Target]:
    """Every table of every service that holds something the personal-data keys encrypted."""
    found = []
    for base in (CaseBase, ResourcesBase, VolunteersBase):
        for table in base.metadata.sorted_tables:
            columns = tuple(c for c in table.columns if c.name.endswith("_encrypted"))
            sealed = table.columns["response"] if table.name == "idempotency_keys" else None
            if columns or sealed is not None:
                found.append(Target(table, columns, sealed))
    return found


def _rotated(vault: PersonalDataVault, token: str | None) -> str | None:
    """The token under the first key, or None when it already is (or there is none)."""
    if not token or vault.is_current(token):
        return None
    return vault.rotate(token)


async def rotate_table(
    engine: AsyncEngine,
    vault: PersonalDataVault,
    target: Target,
    batch_size: int,
    after_batch: Callable[[str, TableCount], None] | None = None,
) -> TableCount:
    key = tuple(target.table.primary_key.columns)
    wanted = [*key, *target.columns, *([target.sealed] if target.sealed is not None else [])]
    count = TableCount()
    cursor: tuple[Any, ...] | None = None
    while True:
        async with engine.begin() as connection:
            statement = select(*wanted).order_by(*key).limit(batch_size).with_for_update()
            if cursor is not None:
                statement = statement.where(tuple_(*key) > tuple_(*cursor))
            rows = (await connection.execute(statement)).all()
            for row in rows:
                values = row._mapping
                changes: dict[str, Any] = {}
                for column in target.columns:
                    new = _rotated(vault, values[column])
                    if new is not None:
                        changes[column.name] = new
                if target.sealed is not None:
                    stored = values[target.sealed]
                    if isinstance(stored, dict) and set(stored) == {SEALED}:
                        new = _rotated(vault, stored[SEALED])
                        if new is not None:
                            changes[target.sealed.name] = {SEALED: new}
                if changes:
                    match = [column == values[column] for column in key]
                    await connection.execute(update(target.table).where(*match).values(**changes))
                    count.rotated += len(changes)
            count.rows += len(rows)
        if after_batch is not None:
            after_batch(target.name, count)  # the batch is committed by now
        if len(rows) < batch_size:
            return count
        cursor = tuple(rows[-1]._mapping[column] for column in key)


async def rotate_all(
    engine: AsyncEngine,
    vault: PersonalDataVault,
    batch_size: int = 500,
    after_batch: Callable[[str, TableCount], None] | None = None,
) -> RotationReport:
    """Re-encrypt every value not under the vault's first key; per table, committed per batch."""
    report = RotationReport()
    for target in targets():
        report.tables[target.name] = await rotate_table(engine, vault, target, batch_size, after_batch)
    return report


async def remaining(engine: AsyncEngine, vault: PersonalDataVault) -> int:
    """How many values are not under the first key yet (0 after a complete run)."""
    left = 0
    async with engine.connect() as connection:
        for target in targets():
            wanted = [*target.columns, *([target.sealed] if target.sealed is not None else [])]
            for row in (await connection.execute(select(*wanted))).all():
                for value in row:
                    token = value.get(SEALED) if isinstance(value, dict) else value
                    if isinstance(token, str) and token and not vault.is_current(token):
                        left += 1
    return left


async def _rotate_database(url: str, vault: PersonalDataVault, batch_size: int) -> tuple[RotationReport, int]:
    engine = create_engine(url, pool_size=1, max_overflow=0)
    try:

        def progress(table: str, count: TableCount) -> None:
            typer.echo(f"  {table}: {count.rows} rows read, {count.rotated} values re-encrypted so far")

        report = await rotate_all(engine, vault, batch_size, progress)
        return report, await remaining(engine, vault)
    finally:
        await engine.dispose()


def rotate_pii_key(
    data_dir: Annotated[
        Path, typer.Option(help="Where the embedded PostgreSQL keeps its data (ignored with DATABASE_URL).")
    ] = DEFAULT_DATA_DIR,
    batch_size: Annotated[int, typer.Option(min=1, max=100_000, help="Rows per committed batch.")] = 500,
) -> None:
    """Re-encrypt every encrypted column of every service under the first key of WUSHE_PII_KEYS.

    Put the new key first (WUSHE_PII_KEYS=new,old) in every process, restart them, run this, then
    drop the old key. Safe to run while the services serve, to interrupt and to run again.
    """
    vault = PersonalDataVault.from_settings(get_settings())
    url, postgres = resolve_database(data_dir)
    try:
        report, left = asyncio.run(_rotate_database(url, vault, batch_size))
    finally:
        if postgres is not None:
            postgres.stop()
    for table, count in report.tables.items():
        typer.echo(f"{table}: {count.rows} rows, {count.rotated} values re-encrypted")
    typer.echo(f"Re-encrypted {report.rotated} values; {left} not under the first key.")
    if left:
        raise typer.Exit(1)
