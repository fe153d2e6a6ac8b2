"""Volunteers, teams, activities with sign-ups, the hours ledger, care assignments and visit logs.

Generated, then read by hand: CHECK constraints carry the invariants (capacity >= 1,
ends_at > starts_at, confirmed_count <= capacity, a missed visit adds no minutes, a correction
has a reason); the partial unique index keeps one live sign-up per volunteer and activity.

Revision ID: 83b0b35263af
Revises: d64431cf9793
Create Date: 2026-11-29 09:50:20.999199

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "83b0b35263af"
down_revision: str | Sequence[str] | None = "d64431cf9793"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "teams",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("platform_id", sa.Uuid(), nullable=True),
        sa.Column("org_id", sa.Uuid(), nullable=True),
        sa.Column("region", sa.String(length=12), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("region ~ '^[0-9]{6}([0-9]{3}([0-9]{3})?)?$'", name=op.f("ck_teams_region_code")),
        sa.CheckConstraint("(platform_id IS NULL) <> (org_id IS NULL)", name=op.f("ck_teams_one_owner")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teams")),
        schema="volunteers",
    )
    op.create_index(op.f("ix_volunteers_teams_org_id"), "teams", ["org_id"], unique=False, schema="volunteers")
    op.create_index(
        op.f("ix_volunteers_teams_platform_id"), "teams", ["platform_id"], unique=False, schema="volunteers"
    )
    op.create_index(op.f("ix_volunteers_teams_region"), "teams", ["region"], unique=False, schema="volunteers")
    op.create_table(
        "volunteers",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("platform_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("id_number_encrypted", sa.Text(), nullable=False),
        sa.Column("id_number_hash", sa.String(length=64), nullable=False),
        sa.Column("skills", sa.ARRAY(sa.String(length=40)), nullable=False),
        sa.Column("languages", sa.ARRAY(sa.String(length=20)), nullable=False),
        sa.Column("region", sa.String(length=12), nullable=False),
        sa.Column("latitude", sa.Numeric(precision=9, scale=6), nullable=True),
        sa.Column("longitude", sa.Numeric(precision=9, scale=6), nullable=True),
        sa.Column("availability", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("max_hours_per_week", sa.Integer(), nullable=True),
        sa.Column("verification", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("region ~ '^[0-9]{6}([0-9]{3}([0-9]{3})?)?$'", name=op.f("ck_volunteers_region_code")),
        sa.CheckConstraint(
            "verification IN ('pending', 'verified', 'rejected')", name=op.f("ck_volunteers_verification_state")
        ),
        sa.CheckConstraint(
            "latitude IS NULL OR latitude BETWEEN -90 AND 90", name=op.f("ck_volunteers_latitude_range")
        ),
        sa.CheckConstraint(
            "longitude IS NULL OR longitude BETWEEN -180 AND 180", name=op.f("ck_volunteers_longitude_range")
        ),
        sa.CheckConstraint(
            "max_hours_per_week IS NULL OR max_hours_per_week BETWEEN 0 AND 168",
            name=op.f("ck_volunteers_max_hours_range"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_volunteers")),
        sa.UniqueConstraint("id_number_hash", name=op.f("uq_volunteers_id_number_hash")),
        schema="volunteers",
    )
    op.create_index(
        op.f("ix_volunteers_volunteers_platform_id"), "volunteers", ["platform_id"], unique=False, schema="volunteers"
    )
    op.create_index(
        op.f("ix_volunteers_volunteers_region"), "volunteers", ["region"], unique=False, schema="volunteers"
    )
    op.create_table(
        "activities",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("organiser_kind", sa.String(length=20), nullable=False),
        sa.Column("platform_id", sa.Uuid(), nullable=True),
        sa.Column("org_id", sa.Uuid(), nullable=True),
        sa.Column("team_id", sa.Uuid(), nullable=True),
        sa.Column("project_id", sa.Uuid(), nullable=True),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column("region", sa.String(length=12), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("required_skills", sa.ARRAY(sa.String(length=40)), nullable=False),
        sa.Column("is_public", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("confirmed_count", sa.Integer(), nullable=False),
        sa.Column("last_sequence", sa.Integer(), nullable=False),
        sa.Column("beneficiaries", sa.Integer(), nullable=False),
        sa.Column("social_worker_participants", sa.Integer(), nullable=False),
        sa.Column("donor_participants", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "organiser_kind IN ('platform', 'team', 'organisation')", name=op.f("ck_activities_organiser_kind")
        ),
        sa.CheckConstraint("region ~ '^[0-9]{6}([0-9]{3}([0-9]{3})?)?$'", name=op.f("ck_activities_region_code")),
        sa.CheckConstraint("state IN ('scheduled', 'completed', 'cancelled')", name=op.f("ck_activities_state")),
        sa.CheckConstraint(
            "beneficiaries >= 0 AND social_worker_participants >= 0 AND donor_participants >= 0",
            name=op.f("ck_activities_counts_non_negative"),
        ),
        sa.CheckConstraint("capacity >= 1", name=op.f("ck_activities_capacity_positive")),
        sa.CheckConstraint(
            "confirmed_count BETWEEN 0 AND capacity", name=op.f("ck_activities_confirmed_within_capacity")
        ),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_activities_ends_after_start")),
        sa.CheckConstraint("platform_id IS NOT NULL OR org_id IS NOT NULL", name=op.f("ck_activities_has_owner")),
        sa.ForeignKeyConstraint(["team_id"], ["volunteers.teams.id"], name=op.f("fk_activities_team_id_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activities")),
        schema="volunteers",
    )
    op.create_index(
        op.f("ix_volunteers_activities_org_id"), "activities", ["org_id"], unique=False, schema="volunteers"
    )
    op.create_index(
        op.f("ix_volunteers_activities_platform_id"), "activities", ["platform_id"], unique=False, schema="volunteers"
    )
    op.create_index(
        op.f("ix_volunteers_activities_region"), "activities", ["region"], unique=False, schema="volunteers"
    )
    op.create_index(
        op.f("ix_volunteers_activities_team_id"), "activities", ["team_id"], unique=False, schema="volunteers"
    )
    op.create_table(
        "care_assignments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("volunteer_id", sa.Uuid(), nullable=False),
        sa.Column("need_id", sa.Uuid(), nullable=False),
        sa.Column("platform_id", sa.Uuid(), nullable=False),
        sa.Column("region", sa.String(length=12), nullable=False),
        sa.Column("schedule", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("address_encrypted", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("region ~ '^[0-9]{6}([0-9]{3}([0-9]{3})?)?$'", name=op.f("ck_care_assignments_region_code")),
        sa.CheckConstraint("state IN ('active', 'ended')", name=op.f("ck_care_assignments_state")),
        sa.CheckConstraint(
            "ends_on IS NULL OR ends_on >= starts_on", name=op.f("ck_care_assignments_ends_after_start")
        ),
        sa.ForeignKeyConstraint(
            ["volunteer_id"], ["volunteers.volunteers.id"], name=op.f("fk_care_assignments_volunteer_id_volunteers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_assignments")),
        schema="volunteers",
    )
    op.create_index(
        op.f("ix_volunteers_care_assignments_need_id"),
        "care_assignments",
        ["need_id"],
        unique=False,
        schema="volunteers",
    )
    op.create_index(
        op.f("ix_volunteers_care_assignments_platform_id"),
        "care_assignments",
        ["platform_id"],
        unique=False,
        schema="volunteers",
    )
    op.create_index(
        op.f("ix_volunteers_care_assignments_region"), "care_assignments", ["region"], unique=False, schema="volunteers"
    )
    op.create_index(
        op.f("ix_volunteers_care_assignments_volunteer_id"),
        "care_assignments",
        ["volunteer_id"],
        unique=False,
        schema="volunteers",
    )
    op.create_table(
        "team_members",
        sa.Column("team_id", sa.Uuid(), nullable=False),
        sa.Column("volunteer_id", sa.Uuid(), nullable=False),
        sa.Column("is_leader", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"], ["volunteers.teams.id"], name=op.f("fk_team_members_team_id_teams"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["volunteer_id"],
            ["volunteers.volunteers.id"],
            name=op.f("fk_team_members_volunteer_id_volunteers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("team_id", "volunteer_id", name=op.f("pk_team_members")),
        schema="volunteers",
    )
    op.create_index(
        op.f("ix_volunteers_team_members_volunteer_id"),
        "team_members",
        ["volunteer_id"],
        unique=False,
        schema="volunteers",
    )
    op.create_table(
        "signups",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("activity_id", sa.Uuid(), nullable=False),
        sa.Column("volunteer_id", sa.Uuid(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("checked_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checked_out_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("minutes", sa.Integer(), nullable=True),
        sa.Column("hours_state", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("hours_state IN ('none', 'pending', 'approved')", name=op.f("ck_signups_hours_state")),
        sa.CheckConstraint("status IN ('confirmed', 'waiting', 'cancelled')", name=op.f("ck_signups_status")),
        sa.CheckConstraint(
            "checked_out_at IS NULL OR (checked_in_at IS NOT NULL AND checked_out_at >= checked_in_at)",
            name=op.f("ck_signups_checkout_after_checkin"),
        ),
        sa.CheckConstraint("minutes IS NULL OR minutes >= 0", name=op.f("ck_signups_minutes_non_negative")),
        sa.ForeignKeyConstraint(
            ["activity_id"], ["volunteers.activities.id"], name=op.f("fk_signups_activity_id_activities")
        ),
        sa.ForeignKeyConstraint(
            ["volunteer_id"], ["volunteers.volunteers.id"], name=op.f("fk_signups_volunteer_id_volunteers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signups")),
        sa.UniqueConstraint("activity_id", "sequence", name=op.f("uq_signups_activity_id_sequence")),
        schema="volunteers",
    )
    op.create_index(
        op.f("ix_volunteers_signups_activity_id"), "signups", ["activity_id"], unique=False, schema="volunteers"
    )
    op.create_index(
        op.f("ix_volunteers_signups_volunteer_id"), "signups", ["volunteer_id"], unique=False, schema="volunteers"
    )
    op.create_index(
        "uq_signups_active_volunteer",
        "signups",
        ["activity_id", "volunteer_id"],
        unique=True,
        schema="volunteers",
        postgresql_where=sa.text("status <> 'cancelled'"),
    )
    op.create_table(
        "visit_logs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("assignment_id", sa.Uuid(), nullable=False),
        sa.Column("volunteer_id", sa.Uuid(), nullable=False),
        sa.Column("visited_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("wellbeing_flags", sa.ARRAY(sa.String(length=40)), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "minutes >= 0 AND (outcome = 'done' OR minutes = 0)", name=op.f("ck_visit_logs_missed_adds_none")
        ),
        sa.CheckConstraint("outcome IN ('done', 'missed')", name=op.f("ck_visit_logs_outcome")),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["volunteers.care_assignments.id"],
            name=op.f("fk_visit_logs_assignment_id_care_assignments"),
        ),
        sa.ForeignKeyConstraint(
            ["volunteer_id"], ["volunteers.volunteers.id"], name=op.f("fk_visit_logs_volunteer_id_volunteers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_logs")),
        schema="volunteers",
    )
    op.create_index(
        op.f("ix_volunteers_visit_logs_assignment_id"),
        "visit_logs",
        ["assignment_id"],
        unique=False,
        schema="volunteers",
    )
    op.create_index(
        op.f("ix_volunteers_visit_logs_volunteer_id"), "visit_logs", ["volunteer_id"], unique=False, schema="volunteers"
    )
    op.create_table(
        "hours_entries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("volunteer_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Uuid(), nullable=True),
        sa.Column("signup_id", sa.Uuid(), nullable=True),
        sa.Column("visit_id", sa.Uuid(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "kind <> 'activity' OR signup_id IS NOT NULL", name=op.f("ck_hours_entries_activity_source")
        ),
        sa.CheckConstraint("kind <> 'care_visit' OR visit_id IS NOT NULL", name=op.f("ck_hours_entries_visit_source")),
        sa.CheckConstraint(
            "kind <> 'correction' OR (reason IS NOT NULL AND length(reason) > 0)",
            name=op.f("ck_hours_entries_correction_has_reason"),
        ),
        sa.CheckConstraint("kind = 'correction' OR minutes >= 0", name=op.f("ck_hours_entries_earned_non_negative")),
        sa.CheckConstraint("kind IN ('activity', 'care_visit', 'correction')", name=op.f("ck_hours_entries_kind")),
        sa.ForeignKeyConstraint(
            ["activity_id"], ["volunteers.activities.id"], name=op.f("fk_hours_entries_activity_id_activities")
        ),
        sa.ForeignKeyConstraint(
            ["signup_id"], ["volunteers.signups.id"], name=op.f("fk_hours_entries_signup_id_signups")
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"], ["volunteers.visit_logs.id"], name=op.f("fk_hours_entries_visit_id_visit_logs")
        ),
        sa.ForeignKeyConstraint(
            ["volunteer_id"], ["volunteers.volunteers.id"], name=op.f("fk_hours_entries_volunteer_id_volunteers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hours_entries")),
        sa.UniqueConstraint("signup_id", name=op.f("uq_hours_entries_signup_id")),
        sa.UniqueConstraint("visit_id", name=op.f("uq_hours_entries_visit_id")),
        schema="volunteers",
    )
    op.create_index(
        op.f("ix_volunteers_hours_entries_volunteer_id"),
        "hours_entries",
        ["volunteer_id"],
        unique=False,
        schema="volunteers",
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f("ix_volunteers_hours_entries_volunteer_id"), table_name="hours_entries", schema="volunteers")
    op.drop_table("hours_entries", schema="volunteers")
    op.drop_index(op.f("ix_volunteers_visit_logs_volunteer_id"), table_name="visit_logs", schema="volunteers")
    op.drop_index(op.f("ix_volunteers_visit_logs_assignment_id"), table_name="visit_logs", schema="volunteers")
    op.drop_table("visit_logs", schema="volunteers")
    op.drop_index(
        "uq_signups_active_volunteer",
        table_name="signups",
        schema="volunteers",
        postgresql_where=sa.text("status <> 'cancelled'"),
    )
    op.drop_index(op.f("ix_volunteers_signups_volunteer_id"), table_name="signups", schema="volunteers")
    op.drop_index(op.f("ix_volunteers_signups_activity_id"), table_name="signups", schema="volunteers")
    op.drop_table("signups", schema="volunteers")
    op.drop_index(op.f("ix_volunteers_team_members_volunteer_id"), table_name="team_members", schema="volunteers")
    op.drop_table("team_members", schema="volunteers")
    op.drop_index(
        op.f("ix_volunteers_care_assignments_volunteer_id"), table_name="care_assignments", schema="volunteers"
    )
    op.drop_index(op.f("ix_volunteers_care_assignments_region"), table_name="care_assignments", schema="volunteers")
    op.drop_index(
        op.f("ix_volunteers_care_assignments_platform_id"), table_name="care_assignments", schema="volunteers"
    )
    op.drop_index(op.f("ix_volunteers_care_assignments_need_id"), table_name="care_assignments", schema="volunteers")
    op.drop_table("care_assignments", schema="volunteers")
    op.drop_index(op.f("ix_volunteers_activities_team_id"), table_name="activities", schema="volunteers")
    op.drop_index(op.f("ix_volunteers_activities_region"), table_name="activities", schema="volunteers")
    op.drop_index(op.f("ix_volunteers_activities_platform_id"), table_name="activities", schema="volunteers")
    op.drop_index(op.f("ix_volunteers_activities_org_id"), table_name="activities", schema="volunteers")
    op.drop_table("activities", schema="volunteers")
    op.drop_index(op.f("ix_volunteers_volunteers_region"), table_name="volunteers", schema="volunteers")
    op.drop_index(op.f("ix_volunteers_volunteers_platform_id"), table_name="volunteers", schema="volunteers")
    op.drop_table("volunteers", schema="volunteers")
    op.drop_index(op.f("ix_volunteers_teams_region"), table_name="teams", schema="volunteers")
    op.drop_index(op.f("ix_volunteers_teams_platform_id"), table_name="teams", schema="volunteers")
    op.drop_index(op.f("ix_volunteers_teams_org_id"), table_name="teams", schema="volunteers")
    op.drop_table("teams", schema="volunteers")
