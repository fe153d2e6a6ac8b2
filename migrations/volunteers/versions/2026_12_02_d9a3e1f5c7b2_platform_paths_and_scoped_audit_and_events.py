"""Volunteers, teams, activities and care assignments carry their platform's path; audit rows and
events carry where their record lies.

The staff scope becomes the one policy of every service: platform subtree AND region prefix. A
subtree needs the platform's path, which this service has no table for: from now on it comes sealed
from the case service (a platform ticket) or is the platform alone. Existing rows are backfilled from
`case.platforms` where the case schema shares the database, else with the platform alone.

Revision ID: d9a3e1f5c7b2
Revises: 83b0b35263af
Create Date: 2026-12-02 10:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d9a3e1f5c7b2"
down_revision: str | Sequence[str] | None = "83b0b35263af"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "volunteers"
# entity (as audited) -> SQL giving (id text, region_code, platform_path, org_id) of that entity
OWNED = ("volunteers", "teams", "activities", "care_assignments")
SOURCES = {
    "volunteer": (
        "SELECT id::text AS id, region AS region_code, platform_path, NULL::uuid AS org_id FROM volunteers.volunteers"
    ),
    "team": ("SELECT id::text AS id, region AS region_code, platform_path, org_id FROM volunteers.teams"),
    "activity": ("SELECT id::text AS id, region AS region_code, platform_path, org_id FROM volunteers.activities"),
    "care_assignment": (
        "SELECT id::text AS id, region AS region_code, platform_path, NULL::uuid AS org_id FROM volunteers.care_assignments"
    ),
    "signup": (
        "SELECT s.id::text AS id, a.region AS region_code, a.platform_path, a.org_id FROM volunteers.signups s JOIN volunteers.activities a ON a.id = s.activity_id"
    ),
    "visit_log": (
        "SELECT v.id::text AS id, c.region AS region_code, c.platform_path, NULL::uuid AS org_id FROM volunteers.visit_logs v JOIN volunteers.care_assignments c ON c.id = v.assignment_id"
    ),
    "hours_entry": (
        "SELECT h.id::text AS id, v.region AS region_code, v.platform_path, NULL::uuid AS org_id FROM volunteers.hours_entries h JOIN volunteers.volunteers v ON v.id = h.volunteer_id"
    ),
}


def _add_scope_columns(table: str) -> None:
    op.add_column(
        table, sa.Column("region_code", sa.String(length=12), server_default="", nullable=False), schema=SCHEMA
    )
    op.add_column(
        table, sa.Column("platform_path", sa.String(length=1000), server_default="", nullable=False), schema=SCHEMA
    )
    op.add_column(table, sa.Column("org_id", sa.Uuid(), nullable=True), schema=SCHEMA)
    op.create_index(op.f(f"ix_{SCHEMA}_{table}_region_code"), table, ["region_code"], unique=False, schema=SCHEMA)
    op.create_index(op.f(f"ix_{SCHEMA}_{table}_org_id"), table, ["org_id"], unique=False, schema=SCHEMA)


def _backfill(table: str, key: str, entity_column: str) -> None:
    for entity, source in SOURCES.items():
        op.execute(
            f'UPDATE "{SCHEMA}".{table} AS t SET region_code = s.region_code, platform_path = s.platform_path, '
            f"org_id = s.org_id FROM ({source}) AS s WHERE t.{entity_column} = '{entity}' AND t.{key} = s.id"
        )


def upgrade() -> None:
    """Add platform_path (backfilled), then the scope columns of audit_log and outbox_events (backfilled)."""
    for table in OWNED:
        op.add_column(
            table, sa.Column("platform_path", sa.String(length=1000), server_default="", nullable=False), schema=SCHEMA
        )
        # The case service's tree where it shares this database (one PostgreSQL, a schema each);
        # otherwise the platform alone: its own staff see the row, the platforms above do not (narrower,
        # never wider), until a write with a platform ticket records the full path.
        op.execute(
            f"UPDATE {SCHEMA}.{table} SET platform_path = '/' || platform_id::text || '/' WHERE platform_id IS NOT NULL"
        )
        op.execute(
            f"DO $$ BEGIN IF to_regclass('\"case\".platforms') IS NOT NULL THEN "
            f'UPDATE "{SCHEMA}".{table} AS t SET platform_path = p.path FROM "case".platforms AS p WHERE p.id = t.platform_id; '
            f"END IF; END $$"
        )
    for table in ("audit_log", "outbox_events"):
        _add_scope_columns(table)
    _backfill("audit_log", "entity_id", "entity")
    _backfill("outbox_events", "aggregate_id::text", "aggregate_type")


def downgrade() -> None:
    """Drop the scope columns again."""
    for table in ("audit_log", "outbox_events"):
        op.drop_index(op.f(f"ix_{SCHEMA}_{table}_org_id"), table_name=table, schema=SCHEMA)
        op.drop_index(op.f(f"ix_{SCHEMA}_{table}_region_code"), table_name=table, schema=SCHEMA)
        for column in ("org_id", "platform_path", "region_code"):
            op.drop_column(table, column, schema=SCHEMA)
    for table in OWNED:
        op.drop_column(table, "platform_path", schema=SCHEMA)
