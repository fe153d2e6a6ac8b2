"""Outbox event payloads."""

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class EventOut(BaseModel):
    id: int
    event_type: str
    aggregate_type: str
    aggregate_id: uuid.UUID
    payload: dict[str, Any]
    request_id: str | None
    created_at: datetime

    model_config = ConfigDict(from_attributes=True)


class EventPage(BaseModel):
    items: list[EventOut]
    next_after: int
