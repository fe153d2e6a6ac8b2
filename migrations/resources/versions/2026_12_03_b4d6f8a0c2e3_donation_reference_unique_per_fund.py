"""A donation's receipt or bank reference is unique within its fund.

Revision ID: b4d6f8a0c2e3
Revises: a3c5e7f9b1d2
Create Date: 2026-12-03 11:00:00

"""

from collections.abc import Sequence

from alembic import op

revision: str = "b4d6f8a0c2e3"
down_revision: str | Sequence[str] | None = "a3c5e7f9b1d2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Fails on a fund that already booked one reference twice: that is a double booking to reverse first
    (the ledger is never edited), so it is reported rather than hidden."""
    op.create_index(
        "uq_ledger_entries_donation_reference",
        "ledger_entries",
        ["fund_id", "reference"],
        unique=True,
        schema="resources",
        postgresql_where="kind = 'donation'",
    )


def downgrade() -> None:
    op.drop_index("uq_ledger_entries_donation_reference", table_name="ledger_entries", schema="resources")
