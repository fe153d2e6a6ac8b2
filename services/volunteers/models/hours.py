"""The hours ledger (志愿服务时长): one entry per activity, care visit or correction."""

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from services.common.clock import clock
from services.volunteers.models.base import Base


class HoursEntry(Base):
    __tablename__ = "hours_entries"
    __table_args__ = (
        CheckConstraint("kind IN ('activity', 'care_visit', 'correction')", name="kind"),
        CheckConstraint("kind = 'correction' OR minutes >= 0", name="earned_non_negative"),
        CheckConstraint(
            "kind <> 'correction' OR (reason IS NOT NULL AND length(reason) > 0)",
            name="correction_has_reason",
        ),
        CheckConstraint("kind <> 'activity' OR signup_id IS NOT NULL", name="activity_source"),
        CheckConstraint("kind <> 'care_visit' OR visit_id IS NOT NULL", name="visit_source"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    volunteer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("volunteers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    minutes: Mapped[int] = mapped_column(Integer)
    activity_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("activities.id"))
    signup_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("signups.id"), unique=True)
    visit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("visit_logs.id"), unique=True)
    reason: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock.now, server_default=func.now())


class CorrectionRequest(Base):
    """A volunteer's request to correct their recorded hours, decided by the organiser.

    Approved, it becomes one `correction` entry of the ledger; refused, it stays on record with
    the reason. Nothing in the ledger is ever edited."""

    __tablename__ = "hours_correction_requests"
    __table_args__ = (
        CheckConstraint("state IN ('requested', 'approved', 'refused')", name="state"),
        CheckConstraint("minutes <> 0", name="changes_something"),
        CheckConstraint("length(reason) > 0", name="has_reason"),
        CheckConstraint("state = 'requested' OR decided_by IS NOT NULL", name="decided_by_someone"),
        CheckConstraint("state <> 'approved' OR hours_entry_id IS NOT NULL", name="approved_has_entry"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    volunteer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("volunteers.id"), index=True)
    # What it is about: an activity (its organiser decides) or nothing (the volunteer's platform).
    activity_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("activities.id"))
    minutes: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20), default="requested")
    requested_by: Mapped[str] = mapped_column(String(200))
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_note: Mapped[str | None] = mapped_column(Text)
    hours_entry_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("hours_entries.id"), unique=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock.now, server_default=func.now())
