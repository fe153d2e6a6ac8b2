"""Audit rows and outbox events carry where their record lies (region, platform path, organisation).

`/v1/audit` and `/v1/events` answer by the staff-scope policy of the records themselves; rows written
before this revision are backfilled from the record they name. An organisation with several service
regions gets their common prefix from the service from now on; here only a single region is backfilled.

Revision ID: c8f2d0e4b6a1
Revises: e4b2c6d8f0a1
Create Date: 2026-12-02 10:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c8f2d0e4b6a1"
down_revision: str | Sequence[str] | None = "e4b2c6d8f0a1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "resources"
# entity (as audited) -> SQL giving (id text, region_code, platform_path, org_id) of that entity
SOURCES = {
    "offer": "SELECT id::text AS id, region_prefix AS region_code, '' AS platform_path, org_id FROM resources.offers",
    "fund": "SELECT id::text AS id, region_prefix AS region_code, '' AS platform_path, org_id FROM resources.offers",
    "hold": (
        "SELECT h.id::text AS id, h.need_region AS region_code, h.platform_path, o.org_id"
        " FROM resources.holds h JOIN resources.offers o ON o.id = h.offer_id"
    ),
    "pledge": "SELECT id::text AS id, need_region AS region_code, platform_path, org_id FROM resources.pledges",
    "organization": (
        "SELECT id::text AS id, CASE WHEN cardinality(service_regions) = 1 THEN service_regions[1] ELSE '' END"
        " AS region_code, '' AS platform_path, id AS org_id FROM resources.organizations"
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
