"""`wushe rotate-pii-key`: data written under key A, keys [B, A], rotate, drop A — everything reads."""

import asyncio
import json
import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from typer.testing import CliRunner

from services.case.models import IdempotencyRecord, Recipient
from services.common.database import Database, create_engine
from services.common.migrations import upgrade_all
from services.common.personal_data import PersonalDataVault
from services.common.settings import DEV_PII_KEY, Settings, get_settings
from services.volunteers.models import CareAssignment, Volunteer
from tests.case.factories import make_id_number, make_recipient, make_tree
from tests.support.database import create_database, drop_database
from tests.volunteers.factories import make_assignment, make_volunteer
from wushe_cli.main import app
from wushe_cli.pii_rotation import TableCount, remaining, rotate_all

KEY_A, KEY_B = DEV_PII_KEY, "key-b-from-the-secret-store"
RECIPIENTS = 5


@pytest.fixture
async def database(server_url: str) -> AsyncIterator[str]:
    url = await create_database(server_url, "wushe_rotation")
    await asyncio.to_thread(upgrade_all, url)
    yield url
    await drop_database(server_url, url)


async def written_under_a(url: str) -> dict[str, str]:
    """Recipients, a volunteer, an assignment and a sealed replay, all under key A; their plaintexts."""
    db = Database.connect(url, 2, 0)
    plain: dict[str, str] = {}
    async with db.sessions() as session:
        tree = await make_tree(session)
        for n in range(RECIPIENTS):
            id_number = make_id_number(serial=100 + n)
            recipient = await make_recipient(
                session, platform=tree["room"], id_number=id_number, phone=f"1710000{n:04d}", address=f"幸福小区{n}号楼"
            )
            plain[str(recipient.id)] = id_number
        vault = PersonalDataVault(KEY_A)
        session.add(
            IdempotencyRecord(
                subject="dev-station_staff",
                key="k1",
                request_hash="0" * 64,
                status_code=201,
                response={"sealed": vault.encrypt(json.dumps({"id_number": "15078119480305123X"}))},
            )
        )
        await session.commit()
    settings = Settings(pii_key=KEY_A)
    volunteer = await make_volunteer(db, settings, platform_id=uuid.uuid4())
    await make_assignment(db, settings, volunteer=volunteer, platform_id=volunteer.platform_id)
    await db.dispose()
    return plain


async def everything_reads(engine: AsyncEngine, vault: PersonalDataVault, plain: dict[str, str]) -> None:
    async with engine.connect() as connection:
        for row in (await connection.execute(select(Recipient))).all():
            assert vault.decrypt(row.id_number_encrypted) == plain[str(row.id)]
            assert vault.keyed_hash(plain[str(row.id)]) == row.id_number_hash  # duplicates still found
            assert vault.decrypt(row.phone_encrypted).startswith("171")
            assert vault.decrypt(row.address_encrypted).startswith("幸福小区")
        for row in (await connection.execute(select(Volunteer.id_number_encrypted))).all():
            assert len(vault.decrypt(row[0])) == 18
        for row in (await connection.execute(select(CareAssignment.address_encrypted))).all():
            assert vault.decrypt(row[0])
        sealed = (await connection.execute(select(IdempotencyRecord.response))).scalar_one()
        assert json.loads(vault.decrypt(sealed["sealed"])) == {"id_number": "15078119480305123X"}


class Interrupted(Exception):
    pass


async def test_rotate_interrupt_resume_then_drop_the_old_key(database: str) -> None:
    plain = await written_under_a(database)
    engine = create_engine(database, 2, 0)
    both = PersonalDataVault([KEY_B, KEY_A], hash_key=KEY_A)
    try:
        values = RECIPIENTS * 3 + 1 + 1 + 1  # id number, phone, address per recipient; volunteer; visit; replay
        assert await remaining(engine, both) == values

        def stop_in_the_recipients(table: str, count: TableCount) -> None:
            if table == "case.recipients":
                raise Interrupted(table)

        with pytest.raises(Interrupted):
            await rotate_all(engine, both, batch_size=2, after_batch=stop_in_the_recipients)
        left = await remaining(engine, both)
        assert 0 < left <= values - 6  # at least the first batch (two recipients, three values each) committed

        resumed = await rotate_all(engine, both, batch_size=2)
        assert resumed.rotated == left and await remaining(engine, both) == 0
        assert (await rotate_all(engine, both, batch_size=2)).rotated == 0  # a second run is a no-op

        await everything_reads(engine, PersonalDataVault([KEY_B], hash_key=KEY_A), plain)  # A dropped
    finally:
        await engine.dispose()


def test_the_command_prints_counts(database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    asyncio.run(written_under_a(database))
    monkeypatch.setenv("DATABASE_URL", database)
    monkeypatch.setenv("WUSHE_PII_KEYS", f"{KEY_B},{KEY_A}")
    monkeypatch.setenv("WUSHE_PII_HASH_KEY", KEY_A)
    get_settings.cache_clear()
    try:
        first = CliRunner().invoke(app, ["rotate-pii-key", "--batch-size", "3"])
        assert first.exit_code == 0, first.output
        assert f"case.recipients: {RECIPIENTS} rows, {RECIPIENTS * 3} values re-encrypted" in first.output
        assert "volunteers.volunteers: 1 rows, 1 values re-encrypted" in first.output
        assert "Re-encrypted 18 values; 0 not under the first key." in first.output
        again = CliRunner().invoke(app, ["rotate-pii-key"])
        assert "Re-encrypted 0 values; 0 not under the first key." in again.output
    finally:
        get_settings.cache_clear()
