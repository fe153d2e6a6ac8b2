"""Cases (个案) with their transitions, service records and referrals."""

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from services.case.models.base import Base
from services.common.clock import clock


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    recipient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("recipients.id"), index=True)
    platform_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("platforms.id"), index=True)
    region_code: Mapped[str] = mapped_column(String(12), index=True)
    project_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("projects.id"), index=True)
    domain: Mapped[str] = mapped_column(String(30))
    assigned_worker_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))
    risk_level: Mapped[str] = mapped_column(String(10), default="low")
    state: Mapped[str] = mapped_column(String(20), default="intake", index=True)
    # The staff note, encrypted (services/case/cases/summaries.py); NULL when there is none.
    summary_encrypted: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock.now, server_default=func.now())
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock.now, server_default=func.now())


class CaseTransition(Base):
    """Every state change of a case, with who made it and why (append-only)."""

    __tablename__ = "case_transitions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    from_state: Mapped[str] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock.now, server_default=func.now())


class ServiceRecord(Base):
    __tablename__ = "service_records"
    __table_args__ = (CheckConstraint("beneficiaries >= 0", name="beneficiaries"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    platform_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("platforms.id"), index=True)
    region_code: Mapped[str] = mapped_column(String(12), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    served_on: Mapped[date] = mapped_column(Date)
    worker_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))
    beneficiaries: Mapped[int] = mapped_column(Integer, default=1)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock.now, server_default=func.now())


class Referral(Base):
    """A closed-loop referral (转介): sent → accepted/declined → completed, or cancelled."""

    __tablename__ = "referrals"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    platform_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("platforms.id"), index=True)
    region_code: Mapped[str] = mapped_column(String(12), index=True)
    to_agency: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20), default="sent")
    # The case's state when referred; a declined or cancelled referral returns it there.
    from_state: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock.now, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock.now, server_default=func.now())
