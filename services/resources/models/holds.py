"""Holds (预留): need × offer × quantity with an expiry."""

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from services.common.clock import clock
from services.resources.models.base import Base
from services.resources.models.offers import MONEY


class Hold(Base):
    __tablename__ = "holds"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="positive_quantity"),
        CheckConstraint("state IN ('held', 'committed', 'delivered', 'released', 'expired')", name="state"),
        # The expiry sweep reads only live holds, oldest deadline first.
        Index("ix_holds_due", "expires_at", postgresql_where="state = 'held'"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    # A need of the case service: a UUID reference, no foreign key across schemas.
    need_id: Mapped[uuid.UUID] = mapped_column(index=True)
    need_region: Mapped[str] = mapped_column(String(12))
    # The need's platform and every platform above it ("/<centre>/<station>/"), from the case
    # service's sealed ticket: who may see this row (services/resources/scoping.py).
    platform_path: Mapped[str] = mapped_column(String(1000), default="", server_default="")
    offer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("offers.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(MONEY)
    purpose: Mapped[str | None] = mapped_column(String(40))
    # The need's public title, from the ticket: what the fund's disclosure names a payment by.
    need_title: Mapped[str] = mapped_column(String(200), default="", server_default="")
    state: Mapped[str] = mapped_column(String(20), default="held")
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock.now, server_default=func.now())
