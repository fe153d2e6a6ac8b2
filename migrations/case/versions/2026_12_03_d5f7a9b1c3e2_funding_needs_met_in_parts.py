"""Funding needs met in parts: the confirmed parts of a need, kept on the need.

Revision ID: d5f7a9b1c3e2
Revises: e4a2f6c8d0b1
Create Date: 2026-12-03 10:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "d5f7a9b1c3e2"
down_revision: str | Sequence[str] | None = "e4a2f6c8d0b1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Every need starts with no parts; a funding need matched before had one hold for the whole amount,
    which its matched_reference still names."""
    op.add_column(
        "needs",
        sa.Column("parts", postgresql.JSONB(astext_type=sa.Text()), server_default="[]", nullable=False),
        schema="case",
    )


def downgrade() -> None:
    op.drop_column("needs", "parts", schema="case")
