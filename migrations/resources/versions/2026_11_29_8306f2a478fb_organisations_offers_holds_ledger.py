"""Organisations, offers, holds, the fund ledger and pledges.

The offers CHECK `never_over_allocated` is the last line of defence for available >= 0;
ledger entries are append-only (trigger), like the audit log.

Revision ID: 8306f2a478fb
Revises: 6d844e9d189f
Create Date: 2026-11-29 09:51:07.154471

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "8306f2a478fb"
down_revision: str | Sequence[str] | None = "6d844e9d189f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "organizations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=True),
        sa.Column("contact_name", sa.String(length=100), nullable=False),
        sa.Column("contact_phone", sa.String(length=30), nullable=False),
        sa.Column("service_regions", sa.ARRAY(sa.String(length=12)), nullable=False),
        sa.Column("verification_status", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "verification_status IN ('pending', 'verified', 'rejected')",
            name=op.f("ck_organizations_verification_status"),
        ),
        sa.CheckConstraint(
            "credit_code IS NULL OR char_length(credit_code) = 18",
            name=op.f("ck_organizations_credit_code_length"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organizations")),
        sa.UniqueConstraint("credit_code", name=op.f("uq_organizations_credit_code")),
        schema="resources",
    )
    op.create_index(
        op.f("ix_resources_organizations_kind"),
        "organizations",
        ["kind"],
        unique=False,
        schema="resources",
    )
    op.create_table(
        "offers",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("region_prefix", sa.String(length=12), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("total", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("held", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("delivered", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("purposes", sa.ARRAY(sa.String(length=40)), nullable=False),
        sa.Column("restricted_regions", sa.ARRAY(sa.String(length=12)), nullable=False),
        sa.Column("cap_per_need", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "kind <> 'material' OR category IS NOT NULL",
            name=op.f("ck_offers_material_has_category"),
        ),
        sa.CheckConstraint(
            "kind = 'fund' OR (total = trunc(total) AND held = trunc(held) AND delivered = trunc(delivered))",
            name=op.f("ck_offers_whole_units_unless_fund"),
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'published', 'paused', 'exhausted', 'expired')",
            name=op.f("ck_offers_status"),
        ),
        sa.CheckConstraint(
            "held >= 0 AND delivered >= 0 AND held + delivered <= total",
            name=op.f("ck_offers_never_over_allocated"),
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["resources.organizations.id"], name=op.f("fk_offers_org_id_organizations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offers")),
        schema="resources",
    )
    op.create_index("ix_offers_region_prefix", "offers", ["region_prefix"], unique=False, schema="resources")
    op.create_index(op.f("ix_resources_offers_org_id"), "offers", ["org_id"], unique=False, schema="resources")
    op.create_table(
        "holds",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("need_id", sa.Uuid(), nullable=False),
        sa.Column("need_region", sa.String(length=12), nullable=False),
        sa.Column("offer_id", sa.Uuid(), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("purpose", sa.String(length=40), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "state IN ('held', 'committed', 'delivered', 'released', 'expired')",
            name=op.f("ck_holds_state"),
        ),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_holds_positive_quantity")),
        sa.ForeignKeyConstraint(["offer_id"], ["resources.offers.id"], name=op.f("fk_holds_offer_id_offers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_holds")),
        schema="resources",
    )
    op.create_index(
        "ix_holds_due",
        "holds",
        ["expires_at"],
        unique=False,
        schema="resources",
        postgresql_where="state = 'held'",
    )
    op.create_index(op.f("ix_resources_holds_need_id"), "holds", ["need_id"], unique=False, schema="resources")
    op.create_index(op.f("ix_resources_holds_offer_id"), "holds", ["offer_id"], unique=False, schema="resources")
    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("fund_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("need_id", sa.Uuid(), nullable=True),
        sa.Column("hold_id", sa.Uuid(), nullable=True),
        sa.Column("purpose", sa.String(length=40), nullable=True),
        sa.Column("donor_name", sa.String(length=200), nullable=True),
        sa.Column("donor_is_individual", sa.Boolean(), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "(kind = 'donation' AND amount > 0) OR (kind = 'disbursement' AND amount < 0 AND need_id IS NOT NULL) OR (kind = 'adjustment' AND amount <> 0)",
            name=op.f("ck_ledger_entries_signed_by_kind"),
        ),
        sa.ForeignKeyConstraint(["fund_id"], ["resources.offers.id"], name=op.f("fk_ledger_entries_fund_id_offers")),
        sa.ForeignKeyConstraint(["hold_id"], ["resources.holds.id"], name=op.f("fk_ledger_entries_hold_id_holds")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entries")),
        schema="resources",
    )
    op.create_index(
        op.f("ix_resources_ledger_entries_fund_id"),
        "ledger_entries",
        ["fund_id"],
        unique=False,
        schema="resources",
    )
    op.create_index(
        op.f("ix_resources_ledger_entries_need_id"),
        "ledger_entries",
        ["need_id"],
        unique=False,
        schema="resources",
    )
    op.create_table(
        "pledges",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("need_id", sa.Uuid(), nullable=False),
        sa.Column("need_region", sa.String(length=12), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("offer_id", sa.Uuid(), nullable=False),
        sa.Column("hold_id", sa.Uuid(), nullable=False),
        sa.Column("donor_name", sa.String(length=100), nullable=False),
        sa.Column("donor_contact", sa.String(length=30), nullable=False),
        sa.Column("pledged_by", sa.String(length=200), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(["hold_id"], ["resources.holds.id"], name=op.f("fk_pledges_hold_id_holds")),
        sa.ForeignKeyConstraint(["offer_id"], ["resources.offers.id"], name=op.f("fk_pledges_offer_id_offers")),
        sa.ForeignKeyConstraint(
            ["org_id"], ["resources.organizations.id"], name=op.f("fk_pledges_org_id_organizations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pledges")),
        schema="resources",
    )
    op.create_index(
        op.f("ix_resources_pledges_need_id"),
        "pledges",
        ["need_id"],
        unique=False,
        schema="resources",
    )
    op.create_index(op.f("ix_resources_pledges_org_id"), "pledges", ["org_id"], unique=False, schema="resources")
    op.create_index(
        op.f("ix_resources_pledges_pledged_by"),
        "pledges",
        ["pledged_by"],
        unique=False,
        schema="resources",
    )
    op.execute(
        """CREATE FUNCTION "resources".ledger_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'ledger_entries is append-only'; END $$"""
    )
    op.execute(
        """CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON "resources".ledger_entries
        FOR EACH ROW EXECUTE FUNCTION "resources".ledger_entries_append_only()"""
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.execute('DROP TRIGGER ledger_entries_append_only ON "resources".ledger_entries')
    op.execute('DROP FUNCTION "resources".ledger_entries_append_only()')
    op.drop_index(op.f("ix_resources_pledges_pledged_by"), table_name="pledges", schema="resources")
    op.drop_index(op.f("ix_resources_pledges_org_id"), table_name="pledges", schema="resources")
    op.drop_index(op.f("ix_resources_pledges_need_id"), table_name="pledges", schema="resources")
    op.drop_table("pledges", schema="resources")
    op.drop_index(op.f("ix_resources_ledger_entries_need_id"), table_name="ledger_entries", schema="resources")
    op.drop_index(op.f("ix_resources_ledger_entries_fund_id"), table_name="ledger_entries", schema="resources")
    op.drop_table("ledger_entries", schema="resources")
    op.drop_index(op.f("ix_resources_holds_offer_id"), table_name="holds", schema="resources")
    op.drop_index(op.f("ix_resources_holds_need_id"), table_name="holds", schema="resources")
    op.drop_index("ix_holds_due", table_name="holds", schema="resources", postgresql_where="state = 'held'")
    op.drop_table("holds", schema="resources")
    op.drop_index(op.f("ix_resources_offers_org_id"), table_name="offers", schema="resources")
    op.drop_index("ix_offers_region_prefix", table_name="offers", schema="resources")
    op.drop_table("offers", schema="resources")
    op.drop_index(op.f("ix_resources_organizations_kind"), table_name="organizations", schema="resources")
    op.drop_table("organizations", schema="resources")
