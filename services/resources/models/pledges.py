"""Pledges (认领): a donor claims a public wish; the claim is an offer plus a hold on it."""

import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column

from services.common.clock import clock
from services.resources.models.base import Base


class Pledge(Base):
    __tablename__ = "pledges"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    need_id: Mapped[uuid.UUID] = mapped_column(index=True)
    need_region: Mapped[str] = mapped_column(String(12))
    # The need's platform and every platform above it ("/<centre>/<station>/"), from the case
    # service's sealed ticket: who may see this row (services/resources/scoping.py).
    platform_path: Mapped[str] = mapped_column(String(1000), default="", server_default="")
    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"), index=True)
    offer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("offers.id"))
    hold_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("holds.id"))
    donor_name: Mapped[str] = mapped_column(String(100))
    donor_contact: Mapped[str] = mapped_column(String(30))
    pledged_by: Mapped[str] = mapped_column(String(200), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock.now, server_default=func.now())
