"""Typed client of the resources service, built on its contract (services/resources/contract.py).

`await resources.holds.commit(hold_id) -> Hold`: one resource group per aggregate, every answer
parsed into the contract's model. Request bodies are contract models (e.g. `HoldCreate`, sent as
their JSON) or, for what a GraphQL caller typed, the plain payload: the service validates that
itself, so its 422 carries the per-field reasons in English and zh-CN that InvalidInput shows.
The generic get/post/patch/page/batch of the base client stay the transport underneath.
"""

import uuid
from collections.abc import Mapping
from functools import cached_property
from typing import Any

from pydantic import BaseModel

from gateway.clients.base import ServiceClient
from services.common.vocabulary import HoldState, ItemCategory, OfferKind, OrganizationKind
from services.resources.contract import (
    FundDisclosure,
    Hold,
    HoldCreate,
    LedgerEntry,
    Offer,
    OfferCreate,
    OfferStatusCode,
    Organization,
    OrganizationCreate,
    Page,
    Pledge,
    PledgeCreate,
    ResourceStats,
    ReversalCreate,
    VerificationStatusCode,
)

Id = uuid.UUID | str
Body = BaseModel | Mapping[str, Any]


def _json(body: Body) -> Any:
    if isinstance(body, BaseModel):
        return body.model_dump(mode="json", exclude_none=True)
    return dict(body)


def _keyed(key: str | None) -> dict[str, str] | None:
    return {"Idempotency-Key": key} if key else None


class _Group:
    def __init__(self, client: ServiceClient) -> None:
        self._client = client


class Organizations(_Group):
    async def page(
        self,
        *,
        limit: int,
        cursor: str | None = None,
        kind: OrganizationKind | None = None,
        verification_status: VerificationStatusCode | None = None,
        region: str | None = None,
    ) -> Page[Organization]:
        body = await self._client.get(
            "/v1/organizations",
            limit=limit,
            cursor=cursor,
            kind=kind,
            verification_status=verification_status,
            region=region,
        )
        return Page[Organization].model_validate(body)

    async def get(self, org_id: Id) -> Organization:
        return Organization.model_validate(await self._client.get(f"/v1/organizations/{org_id}"))

    async def register(
        self, body: OrganizationCreate | Mapping[str, Any], *, idempotency_key: str | None = None
    ) -> Organization:
        answer = await self._client.post("/v1/organizations", _json(body), headers=_keyed(idempotency_key))
        return Organization.model_validate(answer)

    async def verify(self, org_id: Id) -> Organization:
        return Organization.model_validate(await self._client.post(f"/v1/organizations/{org_id}/verify"))

    async def reject(self, org_id: Id) -> Organization:
        return Organization.model_validate(await self._client.post(f"/v1/organizations/{org_id}/reject"))


class Offers(_Group):
    async def page(
        self,
        *,
        limit: int,
        cursor: str | None = None,
        kind: OfferKind | None = None,
        category: ItemCategory | None = None,
        region: str | None = None,
        available: bool | None = None,
        status: OfferStatusCode | None = None,
        org_id: Id | None = None,
    ) -> Page[Offer]:
        body = await self._client.get(
            "/v1/offers",
            limit=limit,
            cursor=cursor,
            kind=kind,
            category=category,
            region=region,
            available=available,
            status=status,
            org_id=org_id,
        )
        return Page[Offer].model_validate(body)

    async def get(self, offer_id: Id) -> Offer:
        return Offer.model_validate(await self._client.get(f"/v1/offers/{offer_id}"))

    async def create(self, body: OfferCreate | Mapping[str, Any], *, idempotency_key: str | None = None) -> Offer:
        return Offer.model_validate(await self._client.post("/v1/offers", _json(body), headers=_keyed(idempotency_key)))

    async def publish(self, offer_id: Id) -> Offer:
        return Offer.model_validate(await self._client.post(f"/v1/offers/{offer_id}/publish"))

    async def pause(self, offer_id: Id) -> Offer:
        return Offer.model_validate(await self._client.post(f"/v1/offers/{offer_id}/pause"))


class Holds(_Group):
    async def page(
        self,
        *,
        limit: int,
        cursor: str | None = None,
        need_id: Id | None = None,
        offer_id: Id | None = None,
        state: HoldState | None = None,
    ) -> Page[Hold]:
        body = await self._client.get(
            "/v1/holds", limit=limit, cursor=cursor, need_id=need_id, offer_id=offer_id, state=state
        )
        return Page[Hold].model_validate(body)

    async def get(self, hold_id: Id) -> Hold:
        return Hold.model_validate(await self._client.get(f"/v1/holds/{hold_id}"))

    async def batch(self, hold_ids: list[str]) -> dict[str, Hold]:
        """The readable ones among `hold_ids`, by id (the rest are left out)."""
        found = await self._client.batch("holds", hold_ids)
        return {key: Hold.model_validate(record) for key, record in found.items()}

    async def reserve(self, body: HoldCreate | Mapping[str, Any], *, idempotency_key: str) -> Hold:
        """Hold part of an offer for a need (the try step): the same key replays the same hold.
        409 OVER_ALLOCATED / OFFER_NOT_AVAILABLE / EXCEEDS_NEED / OUTSIDE_FUND_RESTRICTIONS."""
        answer = await self._client.post("/v1/holds", _json(body), headers=_keyed(idempotency_key))
        return Hold.model_validate(answer)

    async def commit(self, hold_id: Id) -> Hold:
        return Hold.model_validate(await self._client.post(f"/v1/holds/{hold_id}/commit"))

    async def deliver(self, hold_id: Id) -> Hold:
        return Hold.model_validate(await self._client.post(f"/v1/holds/{hold_id}/deliver"))

    async def release(self, hold_id: Id) -> Hold:
        return Hold.model_validate(await self._client.post(f"/v1/holds/{hold_id}/release"))


class Pledges(_Group):
    async def page(
        self, *, limit: int, cursor: str | None = None, need_id: Id | None = None, org_id: Id | None = None
    ) -> Page[Pledge]:
        body = await self._client.get("/v1/pledges", limit=limit, cursor=cursor, need_id=need_id, org_id=org_id)
        return Page[Pledge].model_validate(body)

    async def get(self, pledge_id: Id) -> Pledge:
        return Pledge.model_validate(await self._client.get(f"/v1/pledges/{pledge_id}"))

    async def create(self, body: PledgeCreate | Mapping[str, Any], *, idempotency_key: str) -> Pledge:
        answer = await self._client.post("/v1/pledges", _json(body), headers=_keyed(idempotency_key))
        return Pledge.model_validate(answer)

    async def withdraw(self, pledge_id: Id) -> Pledge:
        """Release an unconfirmed pledge's hold (409 PLEDGE_CONFIRMED once the station confirmed it)."""
        return Pledge.model_validate(await self._client.post(f"/v1/pledges/{pledge_id}/withdraw"))


class Funds(_Group):
    async def entries(self, fund_id: Id, *, limit: int, cursor: str | None = None) -> Page[LedgerEntry]:
        body = await self._client.get(f"/v1/funds/{fund_id}/entries", limit=limit, cursor=cursor)
        return Page[LedgerEntry].model_validate(body)

    async def record(self, fund_id: Id, body: Body, *, idempotency_key: str | None = None) -> LedgerEntry:
        """Book a donation, disbursement or adjustment (`DonationCreate`, ... of the contract)."""
        answer = await self._client.post(f"/v1/funds/{fund_id}/entries", _json(body), headers=_keyed(idempotency_key))
        return LedgerEntry.model_validate(answer)

    async def reverse(
        self, fund_id: Id, entry_id: Id, body: ReversalCreate | Mapping[str, Any], *, idempotency_key: str | None = None
    ) -> LedgerEntry:
        path = f"/v1/funds/{fund_id}/entries/{entry_id}/reverse"
        answer = await self._client.post(path, _json(body), headers=_keyed(idempotency_key))
        return LedgerEntry.model_validate(answer)

    async def disclosure(self, fund_id: Id, *, limit: int, cursor: str | None = None) -> FundDisclosure:
        body = await self._client.get(f"/v1/funds/{fund_id}/disclosure", limit=limit, cursor=cursor)
        return FundDisclosure.model_validate(body)


class Stats(_Group):
    async def get(self, *, region: str, start: str, end: str) -> ResourceStats:
        """The charity side of the linkage statistics for a region prefix in [start, end) (ISO times)."""
        body = await self._client.get("/v1/stats", region=region, **{"from": start, "to": end})
        return ResourceStats.model_validate(body)


class ResourcesClient(ServiceClient):
    """The resources service: organisations, offers, holds, pledges and fund ledgers."""

    @cached_property
    def organizations(self) -> Organizations:
        return Organizations(self)

    @cached_property
    def offers(self) -> Offers:
        return Offers(self)

    @cached_property
    def holds(self) -> Holds:
        return Holds(self)

    @cached_property
    def pledges(self) -> Pledges:
        return Pledges(self)

    @cached_property
    def funds(self) -> Funds:
        return Funds(self)

    @cached_property
    def stats(self) -> Stats:
        return Stats(self)
