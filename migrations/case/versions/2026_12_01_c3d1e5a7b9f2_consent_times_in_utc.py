"""Consent times carry an offset: stored naive ones are read as Beijing time and rewritten in UTC.

Until this revision the API took a consent time without an offset and kept it so inside the JSON
document. A station writes down Beijing time, so that is what such a time meant.

Revision ID: c3d1e5a7b9f2
Revises: a6f07816a388
Create Date: 2026-12-01 11:40:00

"""

from collections.abc import Sequence

from alembic import op

revision: str = "c3d1e5a7b9f2"
down_revision: str | Sequence[str] | None = "a6f07816a388"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAIVE = "(consent->>'given_at') !~ '(Z|[+-][0-9]{2}(:?[0-9]{2})?)$'"
AS_UTC = """to_jsonb(to_char(
    ((consent->>'given_at')::timestamp AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'UTC',
    'YYYY-MM-DD"T"HH24:MI:SS"Z"'))"""


def upgrade() -> None:
    """Rewrite naive consent times as UTC instants."""
    op.execute(
        f"""UPDATE "case".recipients SET consent = jsonb_set(consent, '{{given_at}}', {AS_UTC})
        WHERE consent ? 'given_at' AND {NAIVE}"""
    )


def downgrade() -> None:
    """Nothing to undo: the rewritten times mean what the naive ones meant."""
