"""Per-request DataLoaders over the services' batch endpoints.

One load function per kind of record: it calls the service's `:batch` endpoint once for up to
100 ids and returns the results in key order, `None` for an id that is missing or unreadable,
and the upstream failure for every key when the service is down (the field then carries
UPSTREAM_UNAVAILABLE while the rest of the response stands).

Recipients and cases carry personal data the case service shows unmasked only when asked
(`fields=`) and audits exactly as asked: they are loaded per selection of personal fields, so a
query that selects a recipient's `name` reads (and audits) the name only, and one that selects
no personal field reads none.
"""

from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from pydantic import BaseModel
from strawberry.dataloader import DataLoader

from gateway.clients.base import ServiceClient, UpstreamError, UpstreamUnavailable
from gateway.clients.registry import Upstreams
from gateway.errors import from_upstream
from services.case import contract as case_contract
from services.resources import contract as resources_contract
from services.volunteers import contract as volunteers_contract

Record = BaseModel  # a service's record, as its contract model

# loader name -> (service attribute on Upstreams, REST resource, the contract model it answers)
BATCHED: dict[str, tuple[str, str, type[BaseModel]]] = {
    "platforms": ("case", "platforms", case_contract.Platform),
    "staff": ("case", "staff", case_contract.Staff),
    "recipients": ("case", "recipients", case_contract.Recipient),
    "cases": ("case", "cases", case_contract.Case),
    "needs": ("case", "needs", case_contract.Need),
    "projects": ("case", "projects", case_contract.Project),
    "public_wishes": ("case", "public-wishes", case_contract.PublicWish),
    "service_records": ("case", "service-records", case_contract.ServiceRecord),
    "referrals": ("case", "referrals", case_contract.Referral),
    "case_transitions": ("case", "case-transitions", case_contract.Transition),
    "volunteers": ("volunteers", "volunteers", volunteers_contract.Volunteer),
    "activities": ("volunteers", "activities", volunteers_contract.Activity),
    "signups": ("volunteers", "signups", volunteers_contract.SignUp),
    "assignments": ("volunteers", "assignments", volunteers_contract.CareAssignment),
    "visits": ("volunteers", "visits", volunteers_contract.CareVisit),
    "teams": ("volunteers", "teams", volunteers_contract.Team),
    "hours_entries": ("volunteers", "hours/entries", volunteers_contract.HoursEntry),
    "correction_requests": ("volunteers", "hours/correction-requests", volunteers_contract.HoursCorrectionRequest),
    "organizations": ("resources", "organizations", resources_contract.Organization),
    "offers": ("resources", "offers", resources_contract.Offer),
    "holds": ("resources", "holds", resources_contract.Hold),
    "pledges": ("resources", "pledges", resources_contract.Pledge),
    "ledger_entries": ("resources", "ledger-entries", resources_contract.LedgerEntry),
}

# loader name -> {GraphQL field: the service's personal field it shows}
PERSONAL_FIELDS: dict[str, dict[str, str]] = {
    "recipients": {
        "name": "name",
        "birthDate": "birth_date",
        "idNumber": "id_number",
        "phone": "phone",
        "address": "address",
        "consent": "consent",
        "healthNotes": "health_notes",
    },
    "cases": {"summary": "summary"},
}
ALL = None  # no `fields` parameter: every personal field (the REST default)


def key_of(record: Record) -> str:
    """A record's id, as the loaders key it (every contract model of a record has one)."""
    return str(record.__dict__["id"])


def personal_fields(loader: str, selected: Iterable[str]) -> frozenset[str] | None:
    """The service's personal fields that these selected GraphQL fields show (ALL for a loader
    of records without personal fields, which takes no `fields` parameter)."""
    names = PERSONAL_FIELDS.get(loader)
    if names is None:
        return ALL
    return frozenset(names[field] for field in selected if field in names)


def fields_param(fields: frozenset[str] | None) -> str | None:
    """The `fields` query parameter for a selection (None: leave it out)."""
    return None if fields is None else ",".join(sorted(fields))


def _load_fn(
    client: ServiceClient,
    resource: str,
    model: type[BaseModel],
    fields: frozenset[str] | None,
    cached: Callable[[str], Record | None],
    remember: Callable[[list[Record]], None],
) -> Callable[[list[str]], Awaitable[list[Any]]]:
    async def load(keys: list[str]) -> list[Any]:
        found = {key: record for key in keys if (record := cached(key)) is not None}
        missing = [key for key in keys if key not in found]
        if missing:
            try:
                fetched = await client.batch(resource, missing, fields=fields_param(fields))
            except (UpstreamUnavailable, UpstreamError) as exc:
                error = from_upstream(exc)
                return [found.get(key, error) for key in keys]
            parsed = {key: model.model_validate(item) for key, item in fetched.items()}
            remember(list(parsed.values()))
            found |= parsed
        return [found.get(key) for key in keys]

    return load


class Loaders:
    """Created in the context getter for one request; never shared between callers."""

    def __init__(self, upstreams: Upstreams) -> None:
        self._upstreams = upstreams
        self._loaders: dict[tuple[str, frozenset[str] | None], DataLoader[str, Record | None]] = {}
        # Records read with personal fields, and which: a later load asking for no more reuses them.
        self._read: dict[str, dict[str, list[tuple[frozenset[str] | None, Record]]]] = {}

    def __getattr__(self, name: str) -> DataLoader[str, Record | None]:
        if name not in BATCHED:
            raise AttributeError(name)
        return self.selecting(name, ALL)

    def selecting(self, name: str, fields: frozenset[str] | None) -> DataLoader[str, Record | None]:
        """The loader of `name` records showing these personal fields (ALL: every one)."""
        key = (name, fields)
        loader = self._loaders.get(key)
        if loader is None:
            service, resource, model = BATCHED[name]
            client = getattr(self._upstreams, service)
            load_fn = _load_fn(
                client,
                resource,
                model,
                fields,
                lambda id_: self._covering(name, id_, fields),
                lambda records: self._remember(name, records, fields),
            )
            loader = self._loaders[key] = DataLoader(load_fn=load_fn, max_batch_size=100)
        return loader

    def _covering(self, name: str, id_: str, fields: frozenset[str] | None) -> Record | None:
        """A record of this request already read with at least these personal fields."""
        if name not in PERSONAL_FIELDS:
            return None
        for read_fields, record in self._read.get(name, {}).get(id_, []):
            if read_fields is ALL or (fields is not ALL and fields <= read_fields):
                return record
        return None

    def _remember(self, name: str, records: list[Record], fields: frozenset[str] | None) -> None:
        if name in PERSONAL_FIELDS:
            read = self._read.setdefault(name, {})
            for record in records:
                read.setdefault(key_of(record), []).append((fields, record))

    def prime(self, name: str, records: list[Record], fields: frozenset[str] | None = ALL) -> None:
        """Records fetched by a look-ahead step (showing `fields`) are cached so later loads need no call."""
        loader = self.selecting(name, fields)
        for record in records:
            loader.prime(key_of(record), record)
        self._remember(name, records, fields)
