"""Corrections are reversing entries, booked once; every donation has a receipt number (收据编号).

Revision ID: c5e7a9b1d3f4
Revises: b4d6f8a0c2e3
Create Date: 2026-12-04 09:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c5e7a9b1d3f4"
down_revision: str | Sequence[str] | None = "b4d6f8a0c2e3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_CHECK = (
    "(kind = 'donation' AND amount > 0) OR (kind = 'disbursement' AND amount < 0 "
    "AND need_id IS NOT NULL) OR (kind = 'adjustment' AND amount <> 0)"
)
NEW_CHECK = OLD_CHECK + " OR (kind = 'reversal' AND amount <> 0 AND reverses_id IS NOT NULL)"


def upgrade() -> None:
    """Donations booked before get numbers in booking order, per fund and Beijing year."""
    op.add_column("ledger_entries", sa.Column("reverses_id", sa.Uuid(), nullable=True), schema="resources")
    op.add_column("ledger_entries", sa.Column("receipt_number", sa.String(20), nullable=True), schema="resources")
    op.create_foreign_key(
        op.f("fk_ledger_entries_reverses_id_ledger_entries"),
        "ledger_entries",
        "ledger_entries",
        ["reverses_id"],
        ["id"],
        source_schema="resources",
        referent_schema="resources",
    )
    op.create_index(
        "uq_ledger_entries_reverses_id",
        "ledger_entries",
        ["reverses_id"],
        unique=True,
        schema="resources",
        postgresql_where="reverses_id IS NOT NULL",
    )
    # The ledger is append-only; numbering what was booked is the one sanctioned write, here.
    op.execute('ALTER TABLE "resources".ledger_entries DISABLE TRIGGER ledger_entries_append_only')
    op.execute(
        """
        UPDATE resources.ledger_entries e SET receipt_number = n.number
        FROM (
            SELECT id, to_char(created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY') || '-' || lpad(row_number() OVER (
                PARTITION BY fund_id, date_part('year', created_at AT TIME ZONE 'Asia/Shanghai')
                ORDER BY created_at, id)::text, 6, '0') AS number
            FROM resources.ledger_entries WHERE kind = 'donation'
        ) n WHERE e.id = n.id
        """
    )
    op.execute('ALTER TABLE "resources".ledger_entries ENABLE TRIGGER ledger_entries_append_only')
    op.create_index(
        "uq_ledger_entries_receipt_number",
        "ledger_entries",
        ["fund_id", "receipt_number"],
        unique=True,
        schema="resources",
        postgresql_where="receipt_number IS NOT NULL",
    )
    op.drop_constraint(op.f("ck_ledger_entries_signed_by_kind"), "ledger_entries", schema="resources", type_="check")
    op.create_check_constraint(
        op.f("ck_ledger_entries_signed_by_kind"), "ledger_entries", NEW_CHECK, schema="resources"
    )


def downgrade() -> None:
    op.execute('ALTER TABLE "resources".ledger_entries DISABLE TRIGGER ledger_entries_append_only')
    op.execute("DELETE FROM resources.ledger_entries WHERE kind = 'reversal'")
    op.execute('ALTER TABLE "resources".ledger_entries ENABLE TRIGGER ledger_entries_append_only')
    op.drop_constraint(op.f("ck_ledger_entries_signed_by_kind"), "ledger_entries", schema="resources", type_="check")
    op.create_check_constraint(
        op.f("ck_ledger_entries_signed_by_kind"), "ledger_entries", OLD_CHECK, schema="resources"
    )
    op.drop_index("uq_ledger_entries_receipt_number", table_name="ledger_entries", schema="resources")
    op.drop_index("uq_ledger_entries_reverses_id", table_name="ledger_entries", schema="resources")
    op.drop_constraint(
        op.f("fk_ledger_entries_reverses_id_ledger_entries"), "ledger_entries", schema="resources", type_="foreignkey"
    )
    op.drop_column("ledger_entries", "receipt_number", schema="resources")
    op.drop_column("ledger_entries", "reverses_id", schema="resources")
