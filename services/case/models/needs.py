"""Needs (需求) published from a case: micro-wishes, care needs, funding needs."""

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, LargeBinary, Numeric, String, Text, func
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from services.case.models.base import Base
from services.common.clock import clock


class Need(Base):
    __tablename__ = "needs"
    __table_args__ = (
        CheckConstraint("quantity IS NULL OR quantity >= 1", name="quantity"),
        CheckConstraint("estimated_value IS NULL OR estimated_value >= 0", name="estimated_value"),
        CheckConstraint("amount IS NULL OR amount > 0", name="amount"),
        CheckConstraint(
            "kind <> 'micro_wish' OR (item_category IS NOT NULL AND quantity IS NOT NULL)",
            name="micro_wish_fields",
        ),
        CheckConstraint("kind <> 'funding' OR amount IS NOT NULL", name="funding_fields"),
        CheckConstraint(
            "kind <> 'care' OR (visits_per_month IS NOT NULL AND visit_minutes IS NOT NULL)",
            name="care_fields",
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(20))
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    recipient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("recipients.id"), index=True)
    platform_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("platforms.id"), index=True)
    region_code: Mapped[str] = mapped_column(String(12), index=True)
    project_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("projects.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    # micro-wish
    item_category: Mapped[str | None] = mapped_column(String(30))
    quantity: Mapped[int | None] = mapped_column(Integer)
    estimated_value: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    # care need
    visits_per_month: Mapped[int | None] = mapped_column(Integer)
    visit_minutes: Mapped[int | None] = mapped_column(Integer)
    skills: Mapped[list[str]] = mapped_column(ARRAY(String(30)), default=list)
    languages: Mapped[list[str]] = mapped_column(ARRAY(String(20)), default=list)
    # funding need
    amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))

    deadline: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    state: Mapped[str] = mapped_column(String(20), default="open", index=True)
    # While pending: the hold (or tentative assignment) that reserves it, and when it lapses.
    pending_reference: Mapped[str | None] = mapped_column(String(100))
    pending_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    matched_reference: Mapped[str | None] = mapped_column(String(100))
    # A funding need met in parts: every confirmed part as {"reference": "hold:<id>", "amount": "500.00"}.
    # Read and written only with the need under its row lock; the final part also sets matched_reference.
    parts: Mapped[list[dict[str, str]]] = mapped_column(JSONB, default=list, server_default="[]")
    proof_note: Mapped[str | None] = mapped_column(Text)
    proof_photo_url: Mapped[str | None] = mapped_column(String(500))
    feedback: Mapped[str | None] = mapped_column(Text)
    fulfilled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    published_by: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock.now, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock.now, server_default=func.now())


class ProofPhoto(Base):
    """The proof photo of a need, as re-encoded on upload (no EXIF, GPS or other metadata): one per need."""

    __tablename__ = "proof_photos"
    __table_args__ = (CheckConstraint("size = octet_length(data)", name="size"),)

    need_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("needs.id", ondelete="CASCADE"), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(20))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    uploaded_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock.now)
