"""Care-visit hours wait for the organiser's approval; volunteers' correction requests are recorded.

Visits logged before this revision already put their minutes in the ledger: a done one is
`approved`, a missed one `none`.

Revision ID: f2b4d6a8c0e1
Revises: d9a3e1f5c7b2
Create Date: 2026-12-03 10:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "f2b4d6a8c0e1"
down_revision: str | Sequence[str] | None = "d9a3e1f5c7b2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "volunteers"


def upgrade() -> None:
    op.add_column(
        "visit_logs",
        sa.Column("hours_state", sa.String(length=20), server_default="none", nullable=False),
        schema=SCHEMA,
    )
    op.execute("UPDATE volunteers.visit_logs SET hours_state = 'approved' WHERE outcome = 'done'")
    op.create_check_constraint(
        op.f("ck_visit_logs_hours_state"), "visit_logs", "hours_state IN ('none', 'pending', 'approved')", schema=SCHEMA
    )
    op.create_check_constraint(
        op.f("ck_visit_logs_missed_has_no_hours"),
        "visit_logs",
        "outcome = 'done' OR hours_state = 'none'",
        schema=SCHEMA,
    )
    op.create_table(
        "hours_correction_requests",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("volunteer_id", sa.Uuid(), nullable=False),
        sa.Column("activity_id", sa.Uuid(), nullable=True),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("requested_by", sa.String(length=200), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("hours_entry_id", sa.Uuid(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "state IN ('requested', 'approved', 'refused')", name=op.f("ck_hours_correction_requests_state")
        ),
        sa.CheckConstraint("minutes <> 0", name=op.f("ck_hours_correction_requests_changes_something")),
        sa.CheckConstraint("length(reason) > 0", name=op.f("ck_hours_correction_requests_has_reason")),
        sa.CheckConstraint(
            "state = 'requested' OR decided_by IS NOT NULL",
            name=op.f("ck_hours_correction_requests_decided_by_someone"),
        ),
        sa.CheckConstraint(
            "state <> 'approved' OR hours_entry_id IS NOT NULL",
            name=op.f("ck_hours_correction_requests_approved_has_entry"),
        ),
        sa.ForeignKeyConstraint(
            ["volunteer_id"],
            ["volunteers.volunteers.id"],
            name=op.f("fk_hours_correction_requests_volunteer_id_volunteers"),
        ),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["volunteers.activities.id"],
            name=op.f("fk_hours_correction_requests_activity_id_activities"),
        ),
        sa.ForeignKeyConstraint(
            ["hours_entry_id"],
            ["volunteers.hours_entries.id"],
            name=op.f("fk_hours_correction_requests_hours_entry_id_hours_entries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hours_correction_requests")),
        sa.UniqueConstraint("hours_entry_id", name=op.f("uq_hours_correction_requests_hours_entry_id")),
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_volunteers_hours_correction_requests_volunteer_id"),
        "hours_correction_requests",
        ["volunteer_id"],
        unique=False,
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_volunteers_hours_correction_requests_volunteer_id"),
        table_name="hours_correction_requests",
        schema=SCHEMA,
    )
    op.drop_table("hours_correction_requests", schema=SCHEMA)
    op.drop_constraint(op.f("ck_visit_logs_missed_has_no_hours"), "visit_logs", schema=SCHEMA)
    op.drop_constraint(op.f("ck_visit_logs_hours_state"), "visit_logs", schema=SCHEMA)
    op.drop_column("visit_logs", "hours_state", schema=SCHEMA)
