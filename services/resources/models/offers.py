"""Offers (资源): material items, funds, professional services and venues.

`total`, `held` and `delivered` are numeric(14,2) for every kind: yuan for funds, whole units
for the others (a CHECK keeps those whole). available = total − held − delivered is never
negative: the CHECK below makes PostgreSQL refuse any statement that would break it.
For a fund, `total` is the money that came in and `delivered` the money paid out, both moved
in the same statement that appends the ledger entry, so total − delivered = sum(entries).
"""

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    ARRAY,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from services.common.clock import clock
from services.resources.models.base import Base

MONEY = Numeric(14, 2)


class Offer(Base):
    __tablename__ = "offers"
    __table_args__ = (
        CheckConstraint(
            "held >= 0 AND delivered >= 0 AND held + delivered <= total",
            name="never_over_allocated",
        ),
        CheckConstraint(
            "kind = 'fund' OR (total = trunc(total) AND held = trunc(held) AND delivered = trunc(delivered))",
            name="whole_units_unless_fund",
        ),
        CheckConstraint("status IN ('draft', 'published', 'paused', 'exhausted', 'expired')", name="status"),
        CheckConstraint("kind <> 'material' OR category IS NOT NULL", name="material_has_category"),
        Index("ix_offers_region_prefix", "region_prefix"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    category: Mapped[str | None] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    region_prefix: Mapped[str] = mapped_column(String(12))
    valid_from: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    valid_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    total: Mapped[Decimal] = mapped_column(MONEY)
    held: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"))
    delivered: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"))
    # Fund restrictions (empty = unrestricted): item categories / need kinds, region prefixes.
    purposes: Mapped[list[str]] = mapped_column(ARRAY(String(40)), default=list)
    restricted_regions: Mapped[list[str]] = mapped_column(ARRAY(String(12)), default=list)
    cap_per_need: Mapped[Decimal | None] = mapped_column(MONEY)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock.now, server_default=func.now())
