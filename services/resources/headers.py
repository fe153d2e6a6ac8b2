"""Request headers with stricter shapes than the kernel's (they end up in the database)."""

from typing import Annotated

from fastapi import Header

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        pattern=r"^[\x21-\x7e]+$",
        description="Makes retries safe: the same key and body return the first result.",
    ),
]
