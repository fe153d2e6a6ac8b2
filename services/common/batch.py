"""Batch reads for the gateway's DataLoaders: `GET /v1/things:batch?ids=a,b,c`."""

import uuid
from typing import Annotated

from fastapi import Query

from services.common.errors import BadInput

MAX_BATCH = 100

BatchIds = Annotated[str, Query(description="Comma-separated ids, at most 100", max_length=3800)]


def parse_batch_ids(raw: str) -> list[uuid.UUID]:
    """Ids in the order given, duplicates removed; refuses malformed ids and oversized batches."""
    parts = [part.strip() for part in raw.split(",") if part.strip()]
    if len(parts) > MAX_BATCH:
        raise BadInput(f"At most {MAX_BATCH} ids per batch.", f"每批最多 {MAX_BATCH} 个编号。")
    try:
        ids = [uuid.UUID(part) for part in parts]
    except ValueError as exc:
        raise BadInput("Malformed id in batch.", "批量编号格式错误。") from exc
    return list(dict.fromkeys(ids))
