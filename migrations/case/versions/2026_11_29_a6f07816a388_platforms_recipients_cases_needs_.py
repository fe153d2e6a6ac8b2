"""Platforms, staff, recipients, cases (transitions, records, referrals), projects, needs.

Revision ID: a6f07816a388
Revises: a85ea2eb0f3a
Create Date: 2026-11-29 09:56:35.155745

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "a6f07816a388"
down_revision: str | Sequence[str] | None = "a85ea2eb0f3a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "platforms",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("level", sa.String(length=30), nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("path", sa.String(length=1000), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("service_model", sa.String(length=20), nullable=True),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("phone", sa.String(length=30), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("level IN ('county_centre', 'station', 'community_room')", name=op.f("ck_platforms_level")),
        sa.ForeignKeyConstraint(["parent_id"], ["case.platforms.id"], name=op.f("fk_platforms_parent_id_platforms")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_platforms")),
        schema="case",
    )
    op.create_index(op.f("ix_case_platforms_parent_id"), "platforms", ["parent_id"], unique=False, schema="case")
    op.create_index(op.f("ix_case_platforms_path"), "platforms", ["path"], unique=False, schema="case")
    op.create_index(op.f("ix_case_platforms_region_code"), "platforms", ["region_code"], unique=False, schema="case")
    op.create_table(
        "projects",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("platform_id", sa.Uuid(), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("is_brand", sa.Boolean(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["platform_id"], ["case.platforms.id"], name=op.f("fk_projects_platform_id_platforms")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
        schema="case",
    )
    op.create_index(op.f("ix_case_projects_platform_id"), "projects", ["platform_id"], unique=False, schema="case")
    op.create_index(op.f("ix_case_projects_region_code"), "projects", ["region_code"], unique=False, schema="case")
    op.create_table(
        "recipients",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("platform_id", sa.Uuid(), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("gender", sa.String(length=10), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("categories", postgresql.ARRAY(sa.String(length=30)), nullable=False),
        sa.Column("disability_grade", sa.Integer(), nullable=True),
        sa.Column("id_number_encrypted", sa.Text(), nullable=False),
        sa.Column("id_number_hash", sa.String(length=64), nullable=False),
        sa.Column("phone_encrypted", sa.Text(), nullable=True),
        sa.Column("address_encrypted", sa.Text(), nullable=True),
        sa.Column("health_notes_encrypted", sa.Text(), nullable=True),
        sa.Column("latitude", sa.Numeric(precision=9, scale=6, asdecimal=False), nullable=True),
        sa.Column("longitude", sa.Numeric(precision=9, scale=6, asdecimal=False), nullable=True),
        sa.Column("consent", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["platform_id"], ["case.platforms.id"], name=op.f("fk_recipients_platform_id_platforms")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recipients")),
        sa.UniqueConstraint("id_number_hash", name=op.f("uq_recipients_id_number_hash")),
        schema="case",
    )
    op.create_index(op.f("ix_case_recipients_platform_id"), "recipients", ["platform_id"], unique=False, schema="case")
    op.create_index(op.f("ix_case_recipients_region_code"), "recipients", ["region_code"], unique=False, schema="case")
    op.create_table(
        "staff",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("platform_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=30), nullable=False),
        sa.Column("specialty", sa.String(length=40), nullable=True),
        sa.Column("certification", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["platform_id"], ["case.platforms.id"], name=op.f("fk_staff_platform_id_platforms")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff")),
        sa.UniqueConstraint("subject", name=op.f("uq_staff_subject")),
        schema="case",
    )
    op.create_index(op.f("ix_case_staff_platform_id"), "staff", ["platform_id"], unique=False, schema="case")
    op.create_table(
        "cases",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("recipient_id", sa.Uuid(), nullable=False),
        sa.Column("platform_id", sa.Uuid(), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=True),
        sa.Column("domain", sa.String(length=30), nullable=False),
        sa.Column("assigned_worker_id", sa.Uuid(), nullable=True),
        sa.Column("risk_level", sa.String(length=10), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["assigned_worker_id"], ["case.staff.id"], name=op.f("fk_cases_assigned_worker_id_staff")
        ),
        sa.ForeignKeyConstraint(["platform_id"], ["case.platforms.id"], name=op.f("fk_cases_platform_id_platforms")),
        sa.ForeignKeyConstraint(["project_id"], ["case.projects.id"], name=op.f("fk_cases_project_id_projects")),
        sa.ForeignKeyConstraint(
            ["recipient_id"], ["case.recipients.id"], name=op.f("fk_cases_recipient_id_recipients")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        schema="case",
    )
    op.create_index(op.f("ix_case_cases_platform_id"), "cases", ["platform_id"], unique=False, schema="case")
    op.create_index(op.f("ix_case_cases_project_id"), "cases", ["project_id"], unique=False, schema="case")
    op.create_index(op.f("ix_case_cases_recipient_id"), "cases", ["recipient_id"], unique=False, schema="case")
    op.create_index(op.f("ix_case_cases_region_code"), "cases", ["region_code"], unique=False, schema="case")
    op.create_index(op.f("ix_case_cases_state"), "cases", ["state"], unique=False, schema="case")
    op.create_table(
        "case_transitions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("from_state", sa.String(length=20), nullable=False),
        sa.Column("to_state", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case.cases.id"], name=op.f("fk_case_transitions_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_transitions")),
        schema="case",
    )
    op.create_index(
        op.f("ix_case_case_transitions_case_id"), "case_transitions", ["case_id"], unique=False, schema="case"
    )
    op.create_table(
        "needs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("recipient_id", sa.Uuid(), nullable=False),
        sa.Column("platform_id", sa.Uuid(), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("item_category", sa.String(length=30), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=True),
        sa.Column("estimated_value", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("visits_per_month", sa.Integer(), nullable=True),
        sa.Column("visit_minutes", sa.Integer(), nullable=True),
        sa.Column("skills", postgresql.ARRAY(sa.String(length=30)), nullable=False),
        sa.Column("languages", postgresql.ARRAY(sa.String(length=20)), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("pending_reference", sa.String(length=100), nullable=True),
        sa.Column("pending_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("matched_reference", sa.String(length=100), nullable=True),
        sa.Column("proof_note", sa.Text(), nullable=True),
        sa.Column("proof_photo_url", sa.String(length=500), nullable=True),
        sa.Column("feedback", sa.Text(), nullable=True),
        sa.Column("fulfilled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_by", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "kind <> 'care' OR (visits_per_month IS NOT NULL AND visit_minutes IS NOT NULL)",
            name=op.f("ck_needs_care_fields"),
        ),
        sa.CheckConstraint("kind <> 'funding' OR amount IS NOT NULL", name=op.f("ck_needs_funding_fields")),
        sa.CheckConstraint(
            "kind <> 'micro_wish' OR (item_category IS NOT NULL AND quantity IS NOT NULL)",
            name=op.f("ck_needs_micro_wish_fields"),
        ),
        sa.CheckConstraint("amount IS NULL OR amount > 0", name=op.f("ck_needs_amount")),
        sa.CheckConstraint("estimated_value IS NULL OR estimated_value >= 0", name=op.f("ck_needs_estimated_value")),
        sa.CheckConstraint("quantity IS NULL OR quantity >= 1", name=op.f("ck_needs_quantity")),
        sa.ForeignKeyConstraint(["case_id"], ["case.cases.id"], name=op.f("fk_needs_case_id_cases")),
        sa.ForeignKeyConstraint(["platform_id"], ["case.platforms.id"], name=op.f("fk_needs_platform_id_platforms")),
        sa.ForeignKeyConstraint(["project_id"], ["case.projects.id"], name=op.f("fk_needs_project_id_projects")),
        sa.ForeignKeyConstraint(
            ["recipient_id"], ["case.recipients.id"], name=op.f("fk_needs_recipient_id_recipients")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_needs")),
        schema="case",
    )
    op.create_index(op.f("ix_case_needs_case_id"), "needs", ["case_id"], unique=False, schema="case")
    op.create_index(op.f("ix_case_needs_pending_until"), "needs", ["pending_until"], unique=False, schema="case")
    op.create_index(op.f("ix_case_needs_platform_id"), "needs", ["platform_id"], unique=False, schema="case")
    op.create_index(op.f("ix_case_needs_project_id"), "needs", ["project_id"], unique=False, schema="case")
    op.create_index(op.f("ix_case_needs_recipient_id"), "needs", ["recipient_id"], unique=False, schema="case")
    op.create_index(op.f("ix_case_needs_region_code"), "needs", ["region_code"], unique=False, schema="case")
    op.create_index(op.f("ix_case_needs_state"), "needs", ["state"], unique=False, schema="case")
    op.create_table(
        "referrals",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("platform_id", sa.Uuid(), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("to_agency", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("from_state", sa.String(length=20), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case.cases.id"], name=op.f("fk_referrals_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["platform_id"], ["case.platforms.id"], name=op.f("fk_referrals_platform_id_platforms")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referrals")),
        schema="case",
    )
    op.create_index(op.f("ix_case_referrals_case_id"), "referrals", ["case_id"], unique=False, schema="case")
    op.create_index(op.f("ix_case_referrals_platform_id"), "referrals", ["platform_id"], unique=False, schema="case")
    op.create_index(op.f("ix_case_referrals_region_code"), "referrals", ["region_code"], unique=False, schema="case")
    op.create_table(
        "service_records",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("platform_id", sa.Uuid(), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("served_on", sa.Date(), nullable=False),
        sa.Column("worker_id", sa.Uuid(), nullable=True),
        sa.Column("beneficiaries", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("beneficiaries >= 0", name=op.f("ck_service_records_beneficiaries")),
        sa.ForeignKeyConstraint(["case_id"], ["case.cases.id"], name=op.f("fk_service_records_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["platform_id"], ["case.platforms.id"], name=op.f("fk_service_records_platform_id_platforms")
        ),
        sa.ForeignKeyConstraint(["worker_id"], ["case.staff.id"], name=op.f("fk_service_records_worker_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_records")),
        schema="case",
    )
    op.create_index(
        op.f("ix_case_service_records_case_id"), "service_records", ["case_id"], unique=False, schema="case"
    )
    op.create_index(
        op.f("ix_case_service_records_platform_id"), "service_records", ["platform_id"], unique=False, schema="case"
    )
    op.create_index(
        op.f("ix_case_service_records_region_code"), "service_records", ["region_code"], unique=False, schema="case"
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f("ix_case_service_records_region_code"), table_name="service_records", schema="case")
    op.drop_index(op.f("ix_case_service_records_platform_id"), table_name="service_records", schema="case")
    op.drop_index(op.f("ix_case_service_records_case_id"), table_name="service_records", schema="case")
    op.drop_table("service_records", schema="case")
    op.drop_index(op.f("ix_case_referrals_region_code"), table_name="referrals", schema="case")
    op.drop_index(op.f("ix_case_referrals_platform_id"), table_name="referrals", schema="case")
    op.drop_index(op.f("ix_case_referrals_case_id"), table_name="referrals", schema="case")
    op.drop_table("referrals", schema="case")
    op.drop_index(op.f("ix_case_needs_state"), table_name="needs", schema="case")
    op.drop_index(op.f("ix_case_needs_region_code"), table_name="needs", schema="case")
    op.drop_index(op.f("ix_case_needs_recipient_id"), table_name="needs", schema="case")
    op.drop_index(op.f("ix_case_needs_project_id"), table_name="needs", schema="case")
    op.drop_index(op.f("ix_case_needs_platform_id"), table_name="needs", schema="case")
    op.drop_index(op.f("ix_case_needs_pending_until"), table_name="needs", schema="case")
    op.drop_index(op.f("ix_case_needs_case_id"), table_name="needs", schema="case")
    op.drop_table("needs", schema="case")
    op.drop_index(op.f("ix_case_case_transitions_case_id"), table_name="case_transitions", schema="case")
    op.drop_table("case_transitions", schema="case")
    op.drop_index(op.f("ix_case_cases_state"), table_name="cases", schema="case")
    op.drop_index(op.f("ix_case_cases_region_code"), table_name="cases", schema="case")
    op.drop_index(op.f("ix_case_cases_recipient_id"), table_name="cases", schema="case")
    op.drop_index(op.f("ix_case_cases_project_id"), table_name="cases", schema="case")
    op.drop_index(op.f("ix_case_cases_platform_id"), table_name="cases", schema="case")
    op.drop_table("cases", schema="case")
    op.drop_index(op.f("ix_case_staff_platform_id"), table_name="staff", schema="case")
    op.drop_table("staff", schema="case")
    op.drop_index(op.f("ix_case_recipients_region_code"), table_name="recipients", schema="case")
    op.drop_index(op.f("ix_case_recipients_platform_id"), table_name="recipients", schema="case")
    op.drop_table("recipients", schema="case")
    op.drop_index(op.f("ix_case_projects_region_code"), table_name="projects", schema="case")
    op.drop_index(op.f("ix_case_projects_platform_id"), table_name="projects", schema="case")
    op.drop_table("projects", schema="case")
    op.drop_index(op.f("ix_case_platforms_region_code"), table_name="platforms", schema="case")
    op.drop_index(op.f("ix_case_platforms_path"), table_name="platforms", schema="case")
    op.drop_index(op.f("ix_case_platforms_parent_id"), table_name="platforms", schema="case")
    op.drop_table("platforms", schema="case")
