"""Service platforms (county centre, township station, community room) and their staff."""

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column

from services.case.models.base import Base
from services.common.clock import clock


class Platform(Base):
    __tablename__ = "platforms"
    __table_args__ = (CheckConstraint("level IN ('county_centre', 'station', 'community_room')", name="level"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(30))
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("platforms.id"), index=True)
    # "/<root id>/<child id>/.../<own id>/": a subtree is every path with this prefix.
    path: Mapped[str] = mapped_column(String(1000), index=True)
    region_code: Mapped[str] = mapped_column(String(12), index=True)
    service_model: Mapped[str | None] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(300), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock.now, server_default=func.now())


class Staff(Base):
    __tablename__ = "staff"
    # One record per person and platform (issue 17): the same social worker added by the station and
    # by the admin is one post. A person may hold posts at several platforms; statistics count a
    # person once per level by `person_key`.
    __table_args__ = (
        Index(
            "uq_staff_platform_id_number",
            "platform_id",
            "id_number_hash",
            unique=True,
            postgresql_where=text("id_number_hash IS NOT NULL"),
        ),
        Index(
            "uq_staff_platform_phone",
            "platform_id",
            "phone_hash",
            unique=True,
            postgresql_where=text("phone_hash IS NOT NULL"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    platform_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("platforms.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(30))
    specialty: Mapped[str | None] = mapped_column(String(40))
    certification: Mapped[str] = mapped_column(String(40), default="none")
    subject: Mapped[str | None] = mapped_column(String(200), unique=True)
    # Encrypted, with keyed hashes (the kit's HMAC) to find the same person without decrypting.
    id_number_encrypted: Mapped[str | None] = mapped_column(Text)
    id_number_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    phone_encrypted: Mapped[str | None] = mapped_column(Text)
    phone_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock.now, server_default=func.now())
