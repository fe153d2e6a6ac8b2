"""Volunteer teams (志愿服务队伍) attached to a platform or an organisation."""

import uuid
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from services.common.clock import clock
from services.volunteers.models.base import Base


class Team(Base):
    __tablename__ = "teams"
    __table_args__ = (
        CheckConstraint("(platform_id IS NULL) <> (org_id IS NULL)", name="one_owner"),
        CheckConstraint("region ~ '^[0-9]{6}([0-9]{3}([0-9]{3})?)?$'", name="region_code"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200))
    platform_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    # "/<centre id>/<station id>/": the owning platform and those above it, as the case service
    # sealed it (a platform ticket); "/<platform id>/" when only the platform itself is known.
    platform_path: Mapped[str] = mapped_column(String(1000), default="", server_default="")
    org_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    region: Mapped[str] = mapped_column(String(12), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock.now, server_default=func.now())


class TeamMember(Base):
    __tablename__ = "team_members"

    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    volunteer_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("volunteers.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    is_leader: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock.now, server_default=func.now())
