"""Typed client of the case service: one resource group per REST resource, every answer parsed into
the service's contract models (services/case/contract.py), e.g. `await case.needs.get(need_id) -> Need`.

Request bodies go as the caller built them (a dict of the contract's request model, or the model
itself): the case service validates them and answers a 422 with per-field reasons, which the
mutations turn into InvalidInput. The base client's get/post/patch/page/batch are the transport."""

import uuid
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar

import aiohttp
from pydantic import BaseModel

from gateway.clients.base import (
    NOT_SENT_ERRORS,
    RETRIED_STATUSES,
    CircuitOpen,
    ServiceClient,
    UpstreamUnavailable,
    _checked,
)
from services.case.contract import (
    AuditPage,
    Case,
    CaseStats,
    CountedPage,
    Need,
    Page,
    Platform,
    PlatformTicketOut,
    Project,
    PublicWish,
    Recipient,
    Referral,
    ServiceRecord,
    Staff,
    Ticket,
    Transition,
)
from services.common.vocabulary import ReferralState

M = TypeVar("M", bound=BaseModel)
Id = uuid.UUID | str
Body = BaseModel | Mapping[str, Any]

PHOTO_CHUNK_BYTES = 64 * 1024


@dataclass
class PhotoStream:
    """A proof photo on its way from the case service: its headers, then its bytes in chunks.
    `close()` gives the connection back (after the last chunk, or when the caller went away)."""

    content_type: str
    headers: dict[str, str]
    _response: aiohttp.ClientResponse

    async def chunks(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._response.content.iter_chunked(PHOTO_CHUNK_BYTES):
                yield chunk
        finally:
            self.close()

    def close(self) -> None:
        self._response.release()


@dataclass(frozen=True)
class SheetAnswer:
    """The case service's answer to a sheet import or export, read whole."""

    status: int
    content_type: str
    headers: dict[str, str]
    body: bytes


# What the case service says about a sheet file that the caller should hear too.
SHEET_HEADERS = ("content-disposition",)

# What the case service says about a photo that the caller should hear too.
PASSED_PHOTO_HEADERS = ("etag", "cache-control", "x-content-type-options", "content-disposition", "content-length")


def _json(body: Body | None) -> dict[str, Any]:
    """A request model as JSON (only the fields set), or the caller's dict as it is."""
    if body is None:
        return {}
    if isinstance(body, BaseModel):
        return body.model_dump(mode="json", exclude_unset=True)
    return dict(body)


def _headers(idempotency_key: str | None = None, if_match: int | None = None) -> dict[str, str] | None:
    headers: dict[str, str] = {}
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
    if if_match is not None:
        headers["If-Match"] = f'"{if_match}"'
    return headers or None


def _page(model: type[M], body: Any) -> Page[M]:
    return Page[model].model_validate(body)  # type: ignore[valid-type]


def _counted(model: type[M], body: Any) -> CountedPage[M]:
    return CountedPage[model].model_validate(body)  # type: ignore[valid-type]


def _fields(fields: str | None) -> dict[str, str]:
    """The `fields=` selection of personal data (None: leave it out, every field)."""
    return {} if fields is None else {"fields": fields}


class Resource:
    """One REST resource of a service (`/v1/<name>`), read into `model`."""

    name = ""
    model: type[BaseModel] = BaseModel

    def __init__(self, client: ServiceClient) -> None:
        self.client = client

    def path(self, *parts: Id) -> str:
        return "/".join((f"/v1/{self.name}", *(str(p) for p in parts)))

    async def _get(self, model: type[M], *parts: Id, **params: Any) -> M:
        return model.model_validate(await self.client.get(self.path(*parts), **params))

    async def _post(
        self, model: type[M], *parts: Id, body: Body | None = None, headers: dict[str, str] | None = None
    ) -> M:
        return model.model_validate(await self.client.post(self.path(*parts), _json(body), headers=headers))

    async def _list(self, model: type[M], *parts: Id) -> list[M]:
        return [model.model_validate(item) for item in await self.client.get(self.path(*parts))]

    async def _batch(self, model: type[M], ids: list[str], **params: Any) -> dict[str, M]:
        found = await self.client.batch(self.name, ids, **params)
        return {key: model.model_validate(item) for key, item in found.items()}


class Platforms(Resource):
    name = "platforms"

    async def get(self, platform_id: Id) -> Platform:
        return await self._get(Platform, platform_id)

    async def page(self, **filters: Any) -> Page[Platform]:
        return _page(Platform, await self.client.page(self.name, **filters))

    async def batch(self, ids: list[str]) -> dict[str, Platform]:
        return await self._batch(Platform, ids)

    async def create(self, body: Body, *, idempotency_key: str | None = None) -> Platform:
        return await self._post(Platform, body=body, headers=_headers(idempotency_key))

    async def ticket(self, platform_id: Id) -> PlatformTicketOut:
        """A sealed ticket naming the platform's path, for the volunteers service."""
        return await self._post(PlatformTicketOut, platform_id, "ticket")

    async def staff(self, platform_id: Id) -> list[Staff]:
        return await self._list(Staff, platform_id, "staff")

    async def add_staff(self, platform_id: Id, body: Body, *, idempotency_key: str | None = None) -> Staff:
        return await self._post(Staff, platform_id, "staff", body=body, headers=_headers(idempotency_key))


class StaffMembers(Resource):
    name = "staff"

    async def batch(self, ids: list[str]) -> dict[str, Staff]:
        return await self._batch(Staff, ids)


class Recipients(Resource):
    name = "recipients"

    async def get(self, recipient_id: Id, *, fields: str | None = None) -> Recipient:
        return await self._get(Recipient, recipient_id, **_fields(fields))

    async def page(self, **filters: Any) -> CountedPage[Recipient]:
        """A page (`with_total=True`: and how many match in all)."""
        return _counted(Recipient, await self.client.page(self.name, **filters))

    async def batch(self, ids: list[str], *, fields: str | None = None) -> dict[str, Recipient]:
        return await self._batch(Recipient, ids, **_fields(fields))

    async def create(self, body: Body, *, idempotency_key: str | None = None) -> Recipient:
        return await self._post(Recipient, body=body, headers=_headers(idempotency_key))

    async def update(self, recipient_id: Id, body: Body, *, version: int) -> Recipient:
        return Recipient.model_validate(await self.client.patch(self.path(recipient_id), _json(body), if_match=version))


class Cases(Resource):
    name = "cases"

    async def get(self, case_id: Id, *, fields: str | None = None) -> Case:
        return await self._get(Case, case_id, **_fields(fields))

    async def page(self, **filters: Any) -> CountedPage[Case]:
        """A page (`with_total=True`: and how many match in all)."""
        return _counted(Case, await self.client.page(self.name, **filters))

    async def batch(self, ids: list[str], *, fields: str | None = None) -> dict[str, Case]:
        return await self._batch(Case, ids, **_fields(fields))

    async def open(self, body: Body, *, idempotency_key: str | None = None) -> Case:
        return await self._post(Case, body=body, headers=_headers(idempotency_key))

    async def advance(self, case_id: Id, body: Body, *, version: int | None = None) -> Case:
        """A step of the service process (409 UNDECIDED_NEEDS when closing leaves needs undecided)."""
        return await self._post(Case, case_id, "transitions", body=body, headers=_headers(if_match=version))

    async def transitions(self, case_id: Id) -> list[Transition]:
        return await self._list(Transition, case_id, "transitions")

    async def records(self, case_id: Id) -> list[ServiceRecord]:
        return await self._list(ServiceRecord, case_id, "records")

    async def add_record(self, case_id: Id, body: Body, *, idempotency_key: str | None = None) -> ServiceRecord:
        return await self._post(ServiceRecord, case_id, "records", body=body, headers=_headers(idempotency_key))

    async def referrals(self, case_id: Id) -> list[Referral]:
        return await self._list(Referral, case_id, "referrals")

    async def refer(self, case_id: Id, body: Body, *, idempotency_key: str | None = None) -> Referral:
        return await self._post(Referral, case_id, "referrals", body=body, headers=_headers(idempotency_key))


SETTLE_VERBS = {
    ReferralState.ACCEPTED: "accept",
    ReferralState.DECLINED: "decline",
    ReferralState.COMPLETED: "complete",
    ReferralState.CANCELLED: "cancel",
}


class Referrals(Resource):
    name = "referrals"

    async def batch(self, ids: list[str]) -> dict[str, Referral]:
        return await self._batch(Referral, ids)

    async def settle(self, referral_id: Id, outcome: ReferralState, note: str = "") -> Referral:
        """Close the loop: accepted, declined, completed or cancelled (`sent` is no outcome)."""
        return await self._post(Referral, referral_id, SETTLE_VERBS[outcome], body={"outcome": note})


class ServiceRecords(Resource):
    name = "service-records"

    async def batch(self, ids: list[str]) -> dict[str, ServiceRecord]:
        return await self._batch(ServiceRecord, ids)


class Needs(Resource):
    name = "needs"

    async def get(self, need_id: Id) -> Need:
        return await self._get(Need, need_id)

    async def page(self, **filters: Any) -> CountedPage[Need]:
        """A page (`with_total=True`: and how many match in all)."""
        return _counted(Need, await self.client.page(self.name, **filters))

    async def batch(self, ids: list[str]) -> dict[str, Need]:
        return await self._batch(Need, ids)

    async def publish(self, body: Body, *, idempotency_key: str | None = None) -> Need:
        return await self._post(Need, body=body, headers=_headers(idempotency_key))

    async def update(self, need_id: Id, body: Body, *, version: int) -> Need:
        return Need.model_validate(await self.client.patch(self.path(need_id), _json(body), if_match=version))

    async def cancel(self, need_id: Id, reason: str = "") -> Need:
        return await self._post(Need, need_id, "cancel", body={"reason": reason})

    async def ticket(self, need_id: Id) -> Ticket:
        """A sealed ticket naming the need's owner and region, for the resources service."""
        return await self._post(Ticket, need_id, "ticket")

    async def hold(self, need_id: Id, body: Body) -> Need:
        """Reserve an open need (`NeedHold`: reference and until)."""
        return await self._post(Need, need_id, "hold", body=body)

    async def release(self, need_id: Id, reference: str) -> Need:
        return await self._post(Need, need_id, "release", body={"reference": reference})

    async def confirm(self, need_id: Id, body: Body) -> Need:
        """Confirm a reservation (`NeedConfirm`: reference, and the amount of a funding part)."""
        return await self._post(Need, need_id, "confirm", body=body)

    async def fulfil(self, need_id: Id, body: Body) -> Need:
        """Record fulfilment (`NeedFulfilment`: proof note, feedback)."""
        return await self._post(Need, need_id, "fulfil", body=body)

    async def close(self, need_id: Id) -> Need:
        return await self._post(Need, need_id, "close")


class PublicWishes(Resource):
    name = "public-wishes"

    async def get(self, wish_id: Id) -> PublicWish:
        return await self._get(PublicWish, wish_id)

    async def page(self, **filters: Any) -> Page[PublicWish]:
        """The anonymised feed (`state`: open by default, or fulfilled for the thank-you wall)."""
        return _page(PublicWish, await self.client.page(self.name, **filters))

    async def batch(self, ids: list[str]) -> dict[str, PublicWish]:
        return await self._batch(PublicWish, ids)

    async def ticket(self, wish_id: Id) -> Ticket:
        return await self._post(Ticket, wish_id, "ticket")

    async def claim(self, wish_id: Id, receipt: str) -> PublicWish:
        return await self._post(PublicWish, wish_id, "claim", body={"receipt": receipt})

    async def release(self, wish_id: Id, reference: str) -> PublicWish:
        return await self._post(PublicWish, wish_id, "release", body={"reference": reference})


class Projects(Resource):
    name = "projects"

    async def page(self, **filters: Any) -> Page[Project]:
        return _page(Project, await self.client.page(self.name, **filters))

    async def batch(self, ids: list[str]) -> dict[str, Project]:
        return await self._batch(Project, ids)

    async def create(self, body: Body, *, idempotency_key: str | None = None) -> Project:
        return await self._post(Project, body=body, headers=_headers(idempotency_key))


class Statistics(Resource):
    name = "stats"

    async def get(self, *, region: str, start: str, end: str) -> CaseStats:
        """The case side of the linkage statistics for a region and period (ISO-8601 UTC times)."""
        return await self._get(CaseStats, **{"region": region, "from": start, "to": end})


class AuditTrail(Resource):
    """`GET /v1/audit` of any service (each keeps its own trail, scoped to the caller's records):
    `AuditTrail(upstreams.resources).page(...)` reads the resources service's."""

    name = "audit"

    async def page(
        self,
        *,
        after: int = 0,
        limit: int = 100,
        entity_id: str | None = None,
        actor: str | None = None,
        action: str | None = None,
    ) -> AuditPage:
        body = await self.client.get(
            self.path(), after=after, limit=limit, entity_id=entity_id, actor=actor, action=action
        )
        return AuditPage.model_validate(body)


class CaseClient(ServiceClient):
    @cached_property
    def platforms(self) -> Platforms:
        return Platforms(self)

    @cached_property
    def staff(self) -> StaffMembers:
        return StaffMembers(self)

    @cached_property
    def recipients(self) -> Recipients:
        return Recipients(self)

    @cached_property
    def cases(self) -> Cases:
        return Cases(self)

    @cached_property
    def referrals(self) -> Referrals:
        return Referrals(self)

    @cached_property
    def service_records(self) -> ServiceRecords:
        return ServiceRecords(self)

    @cached_property
    def needs(self) -> Needs:
        return Needs(self)

    @cached_property
    def public_wishes(self) -> PublicWishes:
        return PublicWishes(self)

    @cached_property
    def projects(self) -> Projects:
        return Projects(self)

    @cached_property
    def stats(self) -> Statistics:
        return Statistics(self)

    @cached_property
    def audit(self) -> AuditTrail:
        return AuditTrail(self)

    async def proof_photo(self, need_id: uuid.UUID) -> PhotoStream:
        """`GET /v1/needs/{id}/proof-photo` under the caller's token, streamed; a 4xx is UpstreamError."""
        response = await self._raw("GET", f"/v1/needs/{need_id}/proof-photo", accept="image/*")
        if response.status != 200:
            raw = await response.read()
            response.release()
            _checked(self.service, response.status, raw, ())
            raise UpstreamUnavailable(self.service, f"HTTP {response.status}", status=response.status)
        headers = {name: response.headers[name] for name in PASSED_PHOTO_HEADERS if name in response.headers}
        return PhotoStream(response.headers.get("content-type", "application/octet-stream"), headers, response)

    async def upload_proof_photo(self, need_id: uuid.UUID, body: bytes, content_type: str) -> dict[str, Any]:
        """`POST /v1/needs/{id}/proof-photo` with the caller's multipart body as it came (sent once,
        never retried: the case service authorises, re-encodes and stores it)."""
        response = await self._raw(
            "POST", f"/v1/needs/{need_id}/proof-photo", data=body, content_type=content_type, accept="application/json"
        )
        raw = await response.read()
        response.release()
        stored: dict[str, Any] = _checked(self.service, response.status, raw, ())
        return stored

    async def import_sheet(
        self, kind: str, params: dict[str, str], data: bytes, content_type: str, headers: dict[str, str] | None
    ) -> SheetAnswer:
        """`POST /v1/imports/{kind}` (recipients, micro-wishes) with the sheet as it came."""
        return await self.sheet(
            "POST", f"/v1/imports/{kind}", params=params, data=data, content_type=content_type, headers=headers
        )

    async def export_wishes(self, project_id: str) -> SheetAnswer:
        """`GET /v1/exports/wishes.xlsx`: a project's wish list, masked as the caller may see it."""
        return await self.sheet("GET", "/v1/exports/wishes.xlsx", params={"project_id": project_id})

    async def sheet(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str],
        data: bytes | None = None,
        content_type: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> SheetAnswer:
        """A station sheet in or out (`/v1/imports/…`, `/v1/exports/…`), sent once as it came, its
        answer read whole: JSON, problem+json or a file. Never retried (an import writes)."""
        response = await self._raw(
            method, path, accept="*/*", data=data, content_type=content_type, params=params, headers=headers
        )
        try:
            body = await response.read()
        finally:
            response.release()
        if response.status >= 500:
            raise UpstreamUnavailable(self.service, f"HTTP {response.status}", status=response.status)
        passed = {name: response.headers[name] for name in SHEET_HEADERS if name in response.headers}
        return SheetAnswer(response.status, response.headers.get("content-type", ""), passed, body)

    async def _raw(
        self,
        method: str,
        path: str,
        *,
        accept: str,
        data: bytes | None = None,
        content_type: str | None = None,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> aiohttp.ClientResponse:
        """One request through the breaker, the response not yet read (bytes, not JSON)."""
        breaker = self.breaker
        if breaker is not None and not breaker.try_acquire():
            raise CircuitOpen(self.service)
        self.calls += 1
        headers = {**self.caller.as_headers(), **(headers or {}), "accept": accept}
        if content_type is not None:
            headers["content-type"] = content_type
        # sock_read, not total: a photo's bytes may take longer than a JSON answer, but never stall.
        timeout = aiohttp.ClientTimeout(connect=self.retry.connect_timeout_s, sock_read=self.timeout_s)
        try:
            response = await self.session.request(
                method, self.base_url + path, params=params, data=data, headers=headers, timeout=timeout
            )
        except NOT_SENT_ERRORS as exc:
            if breaker is not None:
                breaker.failed()
            raise UpstreamUnavailable(self.service, type(exc).__name__, sent=False) from exc
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            if breaker is not None:
                breaker.failed()
            raise UpstreamUnavailable(self.service, type(exc).__name__) from exc
        except BaseException:
            if breaker is not None:
                breaker.abandoned()
            raise
        if breaker is not None and response.status in RETRIED_STATUSES:
            breaker.failed()
        elif breaker is not None:
            breaker.succeeded()
        return response
