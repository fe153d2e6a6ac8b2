"""Staff carry an encrypted ID number and phone with keyed hashes; one record per person and platform.

Existing staff have neither, so nothing is deduplicated retroactively: they count as one person each
until an ID number or phone is recorded for them.

Revision ID: e8a0c2d4f6b8
Revises: d5f7a9b1c3e2
Create Date: 2026-12-03 12:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e8a0c2d4f6b8"
down_revision: str | Sequence[str] | None = "d5f7a9b1c3e2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "case"


def upgrade() -> None:
    op.add_column("staff", sa.Column("id_number_encrypted", sa.Text(), nullable=True), schema=SCHEMA)
    op.add_column("staff", sa.Column("id_number_hash", sa.String(length=64), nullable=True), schema=SCHEMA)
    op.add_column("staff", sa.Column("phone_encrypted", sa.Text(), nullable=True), schema=SCHEMA)
    op.add_column("staff", sa.Column("phone_hash", sa.String(length=64), nullable=True), schema=SCHEMA)
    op.create_index(op.f("ix_case_staff_id_number_hash"), "staff", ["id_number_hash"], unique=False, schema=SCHEMA)
    op.create_index(op.f("ix_case_staff_phone_hash"), "staff", ["phone_hash"], unique=False, schema=SCHEMA)
    op.create_index(
        "uq_staff_platform_id_number",
        "staff",
        ["platform_id", "id_number_hash"],
        unique=True,
        schema=SCHEMA,
        postgresql_where=sa.text("id_number_hash IS NOT NULL"),
    )
    op.create_index(
        "uq_staff_platform_phone",
        "staff",
        ["platform_id", "phone_hash"],
        unique=True,
        schema=SCHEMA,
        postgresql_where=sa.text("phone_hash IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("uq_staff_platform_phone", table_name="staff", schema=SCHEMA)
    op.drop_index("uq_staff_platform_id_number", table_name="staff", schema=SCHEMA)
    op.drop_index(op.f("ix_case_staff_phone_hash"), table_name="staff", schema=SCHEMA)
    op.drop_index(op.f("ix_case_staff_id_number_hash"), table_name="staff", schema=SCHEMA)
    op.drop_column("staff", "phone_hash", schema=SCHEMA)
    op.drop_column("staff", "phone_encrypted", schema=SCHEMA)
    op.drop_column("staff", "id_number_hash", schema=SCHEMA)
    op.drop_column("staff", "id_number_encrypted", schema=SCHEMA)
