"""Turning GraphQL inputs into REST bodies: snake_case keys, enum codes, local ids, money as
decimal strings (never floats), times in ISO 8601, no UNSET."""

import dataclasses
import datetime as dt
from decimal import Decimal
from enum import Enum
from typing import Any

from strawberry import UNSET

from gateway.ids import local_id
from services.common.clock import iso_utc

# input field -> type name of the global id it holds
ID_FIELDS = {
    "platform_id": "Platform",
    "parent_id": "Platform",
    "recipient_id": "Recipient",
    "case_id": "Case",
    "project_id": "Project",
    "assigned_worker_id": "Staff",
    "worker_id": "Staff",
    "need_id": "Need",
    "volunteer_id": "Volunteer",
    "activity_id": "Activity",
    "team_id": "Team",
    "org_id": "Organization",
    "offer_id": "Offer",
    "referral_id": "Referral",
}


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return iso_utc(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return body_of(value)
    return value


def body_of(data: Any) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for field in dataclasses.fields(data):
        value = getattr(data, field.name)
        if value is UNSET:
            continue
        if field.name in ID_FIELDS and value is not None:
            value = str(local_id(value, ID_FIELDS[field.name]))
        body[field.name] = _plain(value)
    return body


def idempotency_headers(key: str | None) -> dict[str, str] | None:
    return {"Idempotency-Key": key} if key else None
