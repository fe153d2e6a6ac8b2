"""Shared-kernel tables: audit log (append-only), idempotency keys, outbox events.

Revision ID: a85ea2eb0f3a
Revises:
Create Date: 2026-11-29 09:43:29.718950

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "a85ea2eb0f3a"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("entity", sa.String(length=60), nullable=False),
        sa.Column("entity_id", sa.String(length=100), nullable=False),
        sa.Column("fields", sa.ARRAY(sa.String(length=60)), nullable=False),
        sa.Column("request_id", sa.String(length=128), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
        schema="case",
    )
    op.create_index(op.f("ix_case_audit_log_entity_id"), "audit_log", ["entity_id"], unique=False, schema="case")
    op.create_table(
        "idempotency_keys",
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("response", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("subject", "key", name=op.f("pk_idempotency_keys")),
        schema="case",
    )
    op.create_table(
        "outbox_events",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("event_type", sa.String(length=80), nullable=False),
        sa.Column("aggregate_type", sa.String(length=60), nullable=False),
        sa.Column("aggregate_id", sa.Uuid(), nullable=False),
        sa.Column("payload", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("request_id", sa.String(length=128), nullable=True),
        sa.Column(
            "transaction_id",
            sa.BigInteger(),
            server_default=sa.text("(pg_current_xact_id()::text)::bigint"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_events")),
        schema="case",
    )
    op.create_index(
        op.f("ix_case_outbox_events_aggregate_id"), "outbox_events", ["aggregate_id"], unique=False, schema="case"
    )
    op.create_index(
        op.f("ix_case_outbox_events_transaction_id"), "outbox_events", ["transaction_id"], unique=False, schema="case"
    )
    op.execute(
        """CREATE FUNCTION "case".audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$"""
    )
    op.execute(
        """CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON "case".audit_log
        FOR EACH ROW EXECUTE FUNCTION "case".audit_log_append_only()"""
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.execute('DROP TRIGGER audit_log_append_only ON "case".audit_log')
    op.execute('DROP FUNCTION "case".audit_log_append_only()')
    op.drop_index(op.f("ix_case_outbox_events_transaction_id"), table_name="outbox_events", schema="case")
    op.drop_index(op.f("ix_case_outbox_events_aggregate_id"), table_name="outbox_events", schema="case")
    op.drop_table("outbox_events", schema="case")
    op.drop_table("idempotency_keys", schema="case")
    op.drop_index(op.f("ix_case_audit_log_entity_id"), table_name="audit_log", schema="case")
    op.drop_table("audit_log", schema="case")
