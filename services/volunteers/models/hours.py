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
