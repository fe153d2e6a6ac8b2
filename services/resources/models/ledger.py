"""Fund ledger (资金台账): every yuan in or out of a fund offer is one signed entry."""

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column

from services.common.clock import clock
from services.resources.models.base import Base
from services.resources.models.offers import MONEY


class LedgerEntry(Base):
    __tablename__ = "ledger_entries"
    __table_args__ = (
        CheckConstraint(
            "(kind = 'donation' AND amount > 0) OR (kind = 'disbursement' AND amount < 0 "
            "AND need_id IS NOT NULL) OR (kind = 'adjustment' AND amount <> 0) "
            "OR (kind = 'reversal' AND amount <> 0 AND reverses_id IS NOT NULL)",
            name="signed_by_kind",
        ),
        # A receipt or bank reference books one donation per fund: the same transfer twice is refused.
        Index(
            "uq_ledger_entries_donation_reference",
            "fund_id",
            "reference",
            unique=True,
            postgresql_where="kind = 'donation'",
        ),
        # An entry is reversed at most once (a correction is a new opposite entry, never an edit).
        Index("uq_ledger_entries_reverses_id", "reverses_id", unique=True, postgresql_where="reverses_id IS NOT NULL"),
        # 收据编号: per fund and Beijing year, e.g. 2026-000123.
        Index(
            "uq_ledger_entries_receipt_number",
            "fund_id",
            "receipt_number",
            unique=True,
            postgresql_where="receipt_number IS NOT NULL",
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    fund_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("offers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    # Signed: donations positive, disbursements negative; the balance is their sum.
    amount: Mapped[Decimal] = mapped_column(MONEY)
    need_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    hold_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("holds.id"))
    purpose: Mapped[str | None] = mapped_column(String(40))
    donor_name: Mapped[str | None] = mapped_column(String(200))
    donor_is_individual: Mapped[bool] = mapped_column(Boolean, default=False)
    reference: Mapped[str] = mapped_column(String(200), default="")
    actor: Mapped[str] = mapped_column(String(200))
    reverses_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("ledger_entries.id"))
    receipt_number: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock.now, server_default=func.now())
