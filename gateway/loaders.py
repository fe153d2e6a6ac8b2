"""Per-request DataLoaders over the services' batch endpoints.

One load function per kind of record: it calls the service's `:batch` endpoint once for up to
100 ids and returns the results in key order, `None` for an id that is missing or unreadable,
and the upstream failure for every key when the service is down (the field then carries
UPSTREAM_UNAVAILABLE while the rest of the response stands).
"""

from collections.abc import Awaitable, Callable
from typing import Any

from strawberry.dataloader import DataLoader

from gateway.clients.base import ServiceClient, UpstreamError, UpstreamUnavailable
from gateway.clients.registry import Upstreams
from gateway.errors import from_upstream

Record = dict[str, Any]

# loader name -> (service attribute on Upstreams, REST resource)
BATCHED: dict[str, tuple[str, str]] = {
    "platforms": ("case", "platforms"),
    "staff": ("case", "staff"),
    "recipients": ("case", "recipients"),
    "cases": ("case", "cases"),
    "needs": ("case", "needs"),
    "projects": ("case", "projects"),
    "public_wishes": ("case", "public-wishes"),
    "volunteers": ("volunteers", "volunteers"),
    "activities": ("volunteers", "activities"),
    "organizations": ("resources", "organizations"),
    "offers": ("resources", "offers"),
}


def _load_fn(client: ServiceClient, resource: str) -> Callable[[list[str]], Awaitable[list[Any]]]:
    async def load(keys: list[str]) -> list[Any]:
        try:
            found = await client.batch(resource, keys)
        except (UpstreamUnavailable, UpstreamError) as exc:
            error = from_upstream(exc)
            return [error for _ in keys]
        return [found.get(key) for key in keys]

    return load


class Loaders:
    """Created in the context getter for one request; never shared between callers."""

    def __init__(self, upstreams: Upstreams) -> None:
        self._loaders: dict[str, DataLoader[str, Record | None]] = {
            name: DataLoader(load_fn=_load_fn(getattr(upstreams, service), resource), max_batch_size=100)
            for name, (service, resource) in BATCHED.items()
        }

    def __getattr__(self, name: str) -> DataLoader[str, Record | None]:
        try:
            return self._loaders[name]
        except KeyError:
            raise AttributeError(name) from None

    def prime(self, name: str, records: list[Record]) -> None:
        """Records fetched by a look-ahead step are cached so later loads need no call."""
        loader = self._loaders[name]
        for record in records:
            loader.prime(record["id"], record)
