"""A case's summary is stored encrypted (`summary_encrypted`, the personal-data vault's Fernet).

The summary is a staff note that names the person, their family and their illness; a database
backup alone must not reveal it (docs/security.md). Existing summaries are encrypted here under
the first of WUSHE_PII_KEYS / WUSHE_PII_KEY (the settings the services read), in batches, and
the clear column is dropped. An empty summary is stored as NULL. `wushe rotate-pii-key` finds
the new column by its name. Downgrade decrypts them back.

Revision ID: f1a3c5e7b9d2
Revises: e8a0c2d4f6b8
Create Date: 2026-12-04 12:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from services.common.personal_data import PersonalDataVault
from services.common.settings import get_settings

revision: str = "f1a3c5e7b9d2"
down_revision: str | Sequence[str] | None = "e8a0c2d4f6b8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "case"
BATCH = 500

cases = sa.table(
    "cases",
    sa.column("id", sa.Uuid()),
    sa.column("summary", sa.Text()),
    sa.column("summary_encrypted", sa.Text()),
    schema=SCHEMA,
)


def _vault() -> PersonalDataVault:
    return PersonalDataVault.from_settings(get_settings())


def upgrade() -> None:
    op.add_column("cases", sa.Column("summary_encrypted", sa.Text(), nullable=True), schema=SCHEMA)
    connection = op.get_bind()
    vault = _vault()
    last = None
    while True:
        statement = sa.select(cases.c.id, cases.c.summary).where(cases.c.summary != "").order_by(cases.c.id)
        if last is not None:
            statement = statement.where(cases.c.id > last)
        rows = connection.execute(statement.limit(BATCH)).all()
        if not rows:
            break
        for row_id, summary in rows:
            connection.execute(
                sa.update(cases).where(cases.c.id == row_id).values(summary_encrypted=vault.encrypt(summary))
            )
        last = rows[-1][0]
    op.drop_column("cases", "summary", schema=SCHEMA)


def downgrade() -> None:
    op.add_column("cases", sa.Column("summary", sa.Text(), nullable=False, server_default=sa.text("''")), schema=SCHEMA)
    connection = op.get_bind()
    vault = _vault()
    rows = connection.execute(
        sa.select(cases.c.id, cases.c.summary_encrypted).where(cases.c.summary_encrypted.is_not(None))
    ).all()
    for row_id, token in rows:
        connection.execute(sa.update(cases).where(cases.c.id == row_id).values(summary=vault.decrypt(token)))
    op.alter_column("cases", "summary", server_default=None, schema=SCHEMA)
    op.drop_column("cases", "summary_encrypted", schema=SCHEMA)
