"""Care assignments (关爱服务): a volunteer × a care need, a weekly schedule and visit logs."""

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from services.common.clock import clock
from services.volunteers.models.base import Base


class CareAssignment(Base):
    __tablename__ = "care_assignments"
    __table_args__ = (
        CheckConstraint("state IN ('active', 'ended')", name="state"),
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_after_start"),
        CheckConstraint("region ~ '^[0-9]{6}([0-9]{3}([0-9]{3})?)?$'", name="region_code"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    volunteer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("volunteers.id"), index=True)
    need_id: Mapped[uuid.UUID] = mapped_column(index=True)
    platform_id: Mapped[uuid.UUID] = mapped_column(index=True)
    # "/<centre id>/<station id>/": the owning platform and those above it, as the case service
    # sealed it (a platform ticket); "/<platform id>/" when only the platform itself is known.
    platform_path: Mapped[str] = mapped_column(String(1000), default="", server_default="")
    region: Mapped[str] = mapped_column(String(12), index=True)
    # {"frequency": "weekly", "weekday": 2, "start": "15:00", "duration_minutes": 60}
    schedule: Mapped[dict[str, Any]] = mapped_column(JSONB)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(20), default="active")
    address_encrypted: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock.now, server_default=func.now())


class VisitLog(Base):
    __tablename__ = "visit_logs"
    __table_args__ = (
        CheckConstraint("outcome IN ('done', 'missed')", name="outcome"),
        CheckConstraint("minutes >= 0 AND (outcome = 'done' OR minutes = 0)", name="missed_adds_none"),
        CheckConstraint("hours_state IN ('none', 'pending', 'approved')", name="hours_state"),
        CheckConstraint("outcome = 'done' OR hours_state = 'none'", name="missed_has_no_hours"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    assignment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_assignments.id"), index=True)
    volunteer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("volunteers.id"), index=True)
    visited_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    outcome: Mapped[str] = mapped_column(String(20))
    minutes: Mapped[int] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="")
    wellbeing_flags: Mapped[list[str]] = mapped_column(ARRAY(String(40)), default=list)
    recorded_by: Mapped[str] = mapped_column(String(200))
    # A done visit's minutes wait for the organiser's approval, as an activity's do (谁组织谁记录).
    hours_state: Mapped[str] = mapped_column(String(20), default="none", server_default="none")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock.now, server_default=func.now())
