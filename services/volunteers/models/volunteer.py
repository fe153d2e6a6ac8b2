"""Volunteers (志愿者): profile, skills, languages, availability and verification."""

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, Integer, Numeric, String, Text, func
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from services.common.clock import clock
from services.volunteers.models.base import Base


class Volunteer(Base):
    __tablename__ = "volunteers"
    __table_args__ = (
        CheckConstraint("latitude IS NULL OR latitude BETWEEN -90 AND 90", name="latitude_range"),
        CheckConstraint("longitude IS NULL OR longitude BETWEEN -180 AND 180", name="longitude_range"),
        CheckConstraint(
            "max_hours_per_week IS NULL OR max_hours_per_week BETWEEN 0 AND 168",
            name="max_hours_range",
        ),
        CheckConstraint("verification IN ('pending', 'verified', 'rejected')", name="verification_state"),
        CheckConstraint("region ~ '^[0-9]{6}([0-9]{3}([0-9]{3})?)?$'", name="region_code"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    platform_id: Mapped[uuid.UUID] = mapped_column(index=True)
    # "/<centre id>/<station id>/": the owning platform and those above it, as the case service
    # sealed it (a platform ticket); "/<platform id>/" when only the platform itself is known.
    platform_path: Mapped[str] = mapped_column(String(1000), default="", server_default="")
    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(40))
    # The ID number is stored encrypted; the keyed hash finds duplicates without decrypting.
    id_number_encrypted: Mapped[str] = mapped_column(Text)
    id_number_hash: Mapped[str] = mapped_column(String(64), unique=True)
    skills: Mapped[list[str]] = mapped_column(ARRAY(String(40)), default=list)
    languages: Mapped[list[str]] = mapped_column(ARRAY(String(20)), default=list)
    region: Mapped[str] = mapped_column(String(12), index=True)
    latitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    longitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    availability: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    max_hours_per_week: Mapped[int | None] = mapped_column(Integer)
    verification: Mapped[str] = mapped_column(String(20), default="pending")
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock.now, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=clock.now, server_default=func.now(), onupdate=clock.now
    )
