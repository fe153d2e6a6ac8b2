"""Holds carry their need's public title, for the fund's disclosure of what a payment was for.

Revision ID: a3c5e7f9b1d2
Revises: c8f2d0e4b6a1
Create Date: 2026-12-03 10:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a3c5e7f9b1d2"
down_revision: str | Sequence[str] | None = "c8f2d0e4b6a1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Holds made before carry no title (their payments keep `hold <id>` as the reference)."""
    op.add_column(
        "holds",
        sa.Column("need_title", sa.String(length=200), server_default="", nullable=False),
        schema="resources",
    )


def downgrade() -> None:
    op.drop_column("holds", "need_title", schema="resources")
