"""HTTP routes of offers."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from services.common.auth import CurrentPrincipal
from services.common.batch import BatchIds, parse_batch_ids
from services.common.concurrency import IfMatch, set_etag
from services.common.database import DbSession
from services.common.idempotency import IdempotencyKey, run_idempotent
from services.common.pagination import Cursor, Page, PageSize
from services.common.regions import RegionCode
from services.common.vocabulary import ItemCategory, OfferKind
from services.resources.models import IdempotencyRecord
from services.resources.offers import repository as offer_repository
from services.resources.offers import service as offer_service
from services.resources.offers.schemas import Offer, OfferCreate, OfferStatus, OfferUpdate

router = APIRouter(prefix="/v1/offers", tags=["offers"])


@router.get("")
async def list_offers(
    principal: CurrentPrincipal,
    session: DbSession,
    kind: OfferKind | None = None,
    category: ItemCategory | None = None,
    region: Annotated[
        RegionCode | None,
        Query(description="A need's region code: offers whose scope covers it (1507 covers 150781)."),
    ] = None,
    available: bool | None = Query(default=None, description="true: only offers with available > 0"),
    status: OfferStatus | None = None,
    org_id: uuid.UUID | None = None,
    limit: PageSize = 20,
    cursor: Cursor = None,
) -> Page[Offer]:
    """Search offers you may read, newest first, by kind, category, region and availability."""
    filters = {
        "kind": kind.value if kind else None,
        "category": category.value if category else None,
        "status": status,
        "org_id": org_id,
        "region": region,
        "available": available,
    }
    rows, next_cursor = await offer_repository.search(session, principal, cursor=cursor, limit=limit, **filters)
    return Page(items=[Offer.of(row) for row in rows], next_cursor=next_cursor)


@router.get(":batch")
async def batch_offers(principal: CurrentPrincipal, session: DbSession, ids: BatchIds) -> Page[Offer]:
    """The readable offers among `ids` (others are left out)."""
    rows = await offer_repository.get_many(session, principal, parse_batch_ids(ids))
    return Page(items=[Offer.of(row) for row in rows])


@router.post("", status_code=201, response_model=Offer)
async def create_offer(
    body: OfferCreate, principal: CurrentPrincipal, session: DbSession, key: IdempotencyKey = None
) -> Response:
    """Create a draft offer of your organisation (organisation staff)."""

    async def create() -> Offer:
        return Offer.of(await offer_service.create(session, principal, body))

    return await run_idempotent(session, IdempotencyRecord, principal, key, "create_offer", body, create)


@router.get("/{offer_id}")
async def get_offer(offer_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, response: Response) -> Offer:
    """One offer; 404 when absent or outside your scope."""
    offer = await offer_service.get(session, principal, offer_id)
    set_etag(response, offer.version)
    return Offer.of(offer)


@router.patch("/{offer_id}")
async def update_offer(
    offer_id: uuid.UUID,
    body: OfferUpdate,
    principal: CurrentPrincipal,
    session: DbSession,
    response: Response,
    if_match: IfMatch = None,
) -> Offer:
    """Edit title, description or end of validity of your offer; If-Match required."""
    offer = await offer_service.update(session, principal, offer_id, body, if_match)
    set_etag(response, offer.version)
    return Offer.of(offer)


@router.post("/{offer_id}/publish")
async def publish_offer(
    offer_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, response: Response
) -> Offer:
    """Publish a draft or paused offer (verified organisations only)."""
    offer = await offer_service.change_status(session, principal, offer_id, "published")
    set_etag(response, offer.version)
    return Offer.of(offer)


@router.post("/{offer_id}/pause")
async def pause_offer(
    offer_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, response: Response
) -> Offer:
    """Pause a published offer: no new holds until it is published again."""
    offer = await offer_service.change_status(session, principal, offer_id, "paused")
    set_etag(response, offer.version)
    return Offer.of(offer)
