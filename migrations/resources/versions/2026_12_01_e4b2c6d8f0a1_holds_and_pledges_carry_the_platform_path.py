"""Holds and pledges carry the path of their need's platform, from the case service's sealed ticket.

Rows made before this revision have no path (''): only civil-affairs admins, the organisation that
gives and the client that made them still see them, until they are settled or expire. Their owners
cannot be learned from this service's data alone.

Revision ID: e4b2c6d8f0a1
Revises: 8306f2a478fb
Create Date: 2026-12-01 12:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e4b2c6d8f0a1"
down_revision: str | Sequence[str] | None = "8306f2a478fb"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add platform_path to holds and pledges."""
    for table in ("holds", "pledges"):
        op.add_column(
            table,
            sa.Column("platform_path", sa.String(length=1000), server_default="", nullable=False),
            schema="resources",
        )


def downgrade() -> None:
    """Drop platform_path again."""
    for table in ("holds", "pledges"):
        op.drop_column(table, "platform_path", schema="resources")
