"""Activities (活动) and their sign-ups with a waiting list, check-in/out and hours."""

import uuid
from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from services.common.clock import clock
from services.volunteers.models.base import Base


class Activity(Base):
    __tablename__ = "activities"
    __table_args__ = (
        CheckConstraint("capacity >= 1", name="capacity_positive"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("confirmed_count BETWEEN 0 AND capacity", name="confirmed_within_capacity"),
        CheckConstraint("organiser_kind IN ('platform', 'team', 'organisation')", name="organiser_kind"),
        CheckConstraint("platform_id IS NOT NULL OR org_id IS NOT NULL", name="has_owner"),
        CheckConstraint("state IN ('scheduled', 'completed', 'cancelled')", name="state"),
        CheckConstraint(
            "beneficiaries >= 0 AND social_worker_participants >= 0 AND donor_participants >= 0",
            name="counts_non_negative",
        ),
        CheckConstraint("region ~ '^[0-9]{6}([0-9]{3}([0-9]{3})?)?$'", name="region_code"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    title: Mapped[str] = mapped_column(String(200))
    organiser_kind: Mapped[str] = mapped_column(String(20))
    # The owning platform / organisation (copied from the team when a team organises it).
    platform_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    # "/<centre id>/<station id>/": the owning platform and those above it, as the case service
    # sealed it (a platform ticket); "/<platform id>/" when only the platform itself is known.
    platform_path: Mapped[str] = mapped_column(String(1000), default="", server_default="")
    org_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    team_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("teams.id"), index=True)
    project_id: Mapped[uuid.UUID | None] = mapped_column()
    place: Mapped[str] = mapped_column(String(300))
    region: Mapped[str] = mapped_column(String(12), index=True)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    capacity: Mapped[int] = mapped_column(Integer)
    required_skills: Mapped[list[str]] = mapped_column(ARRAY(String(40)), default=list)
    is_public: Mapped[bool] = mapped_column(Boolean, default=True)
    state: Mapped[str] = mapped_column(String(20), default="scheduled")
    confirmed_count: Mapped[int] = mapped_column(Integer, default=0)
    # Arrival order of sign-ups, handed out under the activity's row lock.
    last_sequence: Mapped[int] = mapped_column(Integer, default=0)
    beneficiaries: Mapped[int] = mapped_column(Integer, default=0)
    social_worker_participants: Mapped[int] = mapped_column(Integer, default=0)
    donor_participants: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock.now, server_default=func.now())


class SignUp(Base):
    __tablename__ = "signups"
    __table_args__ = (
        UniqueConstraint("activity_id", "sequence"),
        Index(
            "uq_signups_active_volunteer",
            "activity_id",
            "volunteer_id",
            unique=True,
            postgresql_where=text("status <> 'cancelled'"),
        ),
        CheckConstraint("status IN ('confirmed', 'waiting', 'cancelled')", name="status"),
        CheckConstraint("hours_state IN ('none', 'pending', 'approved')", name="hours_state"),
        CheckConstraint(
            "checked_out_at IS NULL OR (checked_in_at IS NOT NULL AND checked_out_at >= checked_in_at)",
            name="checkout_after_checkin",
        ),
        CheckConstraint("minutes IS NULL OR minutes >= 0", name="minutes_non_negative"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    activity_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("activities.id"), index=True)
    volunteer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("volunteers.id"), index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    checked_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    checked_out_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    minutes: Mapped[int | None] = mapped_column(Integer)
    hours_state: Mapped[str] = mapped_column(String(20), default="none")
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock.now, server_default=func.now())
