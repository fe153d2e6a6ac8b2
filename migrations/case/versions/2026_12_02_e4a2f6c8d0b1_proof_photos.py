"""Proof photos stored with the need (re-encoded on upload, no metadata).

Revision ID: e4a2f6c8d0b1
Revises: b7e1c9d3a5f0
Create Date: 2026-12-02 10:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e4a2f6c8d0b1"
down_revision: str | Sequence[str] | None = "b7e1c9d3a5f0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """One photo per need; deleting a need deletes its photo."""
    op.create_table(
        "proof_photos",
        sa.Column("need_id", sa.Uuid(), nullable=False),
        sa.Column("content_type", sa.String(length=20), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("size = octet_length(data)", name=op.f("ck_proof_photos_size")),
        sa.ForeignKeyConstraint(
            ["need_id"], ["case.needs.id"], name=op.f("fk_proof_photos_need_id_needs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("need_id", name=op.f("pk_proof_photos")),
        schema="case",
    )


def downgrade() -> None:
    op.drop_table("proof_photos", schema="case")
