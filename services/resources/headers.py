"""The old import path of resources' Idempotency-Key header, kept only while holds/ and pledges/
(reworked in parallel) still import it from here. The type is the kit's; import it from
`services.common.idempotency`."""

from services.common.idempotency import IdempotencyKey

__all__ = ["IdempotencyKey"]
