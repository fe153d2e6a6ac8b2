"""Audit rows and outbox events carry where their record lies (region, platform path, organisation).

`/v1/audit` and `/v1/events` answer by the staff-scope policy of the records themselves; rows written
before this revision are backfilled from the record they name (rows naming no known record keep '':
only admins without a region claim read them).

Revision ID: b7e1c9d3a5f0
Revises: c3d1e5a7b9f2
Create Date: 2026-12-02 10:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b7e1c9d3a5f0"
down_revision: str | Sequence[str] | None = "c3d1e5a7b9f2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "case"
# entity (as audited) -> SQL giving (id text, region_code, platform_path, org_id) of that entity
SOURCES = {
    "need": (
        'SELECT n.id::text AS id, n.region_code, p.path AS platform_path, NULL::uuid AS org_id FROM "case".needs n JOIN "case".platforms p ON p.id = n.platform_id'
    ),
    "case": (
        'SELECT c.id::text AS id, c.region_code, p.path AS platform_path, NULL::uuid AS org_id FROM "case".cases c JOIN "case".platforms p ON p.id = c.platform_id'
    ),
    "recipient": (
        'SELECT r.id::text AS id, r.region_code, p.path AS platform_path, NULL::uuid AS org_id FROM "case".recipients r JOIN "case".platforms p ON p.id = r.platform_id'
    ),
    "project": (
        'SELECT j.id::text AS id, j.region_code, p.path AS platform_path, NULL::uuid AS org_id FROM "case".projects j JOIN "case".platforms p ON p.id = j.platform_id'
    ),
    "referral": (
        'SELECT f.id::text AS id, f.region_code, p.path AS platform_path, NULL::uuid AS org_id FROM "case".referrals f JOIN "case".platforms p ON p.id = f.platform_id'
    ),
    "service_record": (
        'SELECT s.id::text AS id, s.region_code, p.path AS platform_path, NULL::uuid AS org_id FROM "case".service_records s JOIN "case".platforms p ON p.id = s.platform_id'
    ),
    "platform": (
        'SELECT id::text AS id, region_code, path AS platform_path, NULL::uuid AS org_id FROM "case".platforms'
    ),
    "staff": (
        'SELECT s.id::text AS id, p.region_code, p.path AS platform_path, NULL::uuid AS org_id FROM "case".staff s JOIN "case".platforms p ON p.id = s.platform_id'
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
    """Add region_code, platform_path and org_id to audit_log and outbox_events; backfill."""
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
