"""Offer rules: creation by an organisation, publishing, pausing, edits."""

import uuid
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from services.common.auth import Principal
from services.common.clock import clock
from services.common.concurrency import check_version, expected_version
from services.common.errors import BadInput, InvalidTransition, StaleVersion
from services.common.personal_text import ensure_no_personal_data
from services.common.regions import covers
from services.common.vocabulary import OfferKind
from services.resources.errors import OrganizationNotVerified
from services.resources.funds import service as fund_service
from services.resources.kit import offer_scope, record_change
from services.resources.models import Offer, Organization
from services.resources.offers import auth
from services.resources.offers import repository as offer_repository
from services.resources.offers.schemas import OfferCreate, OfferUpdate, as_decimal
from services.resources.organizations import repository as organization_repository

STATUS_MOVES = {
    "published": ("draft", "paused"),
    "paused": ("published", "exhausted"),
}


async def create(session: AsyncSession, principal: Principal, body: OfferCreate) -> Offer:
    """A draft offer of the caller's organisation, scoped inside its service regions."""
    auth.require_org_staff(principal)
    assert principal.org_id is not None
    organization = await organization_repository.get(session, principal, principal.org_id)
    if organization is None:
        raise BadInput("Your organisation is not registered.", "您的组织尚未登记。")
    require_inside_service_regions(organization, body.region_prefix)
    return await create_for(session, principal, organization, body, status="draft")


def require_inside_service_regions(organization: Organization, region_prefix: str) -> None:
    if not any(covers(region, region_prefix) for region in organization.service_regions):
        raise BadInput(
            f"Region {region_prefix} lies outside the organisation's service regions.",
            f"区域 {region_prefix} 不在该组织的服务区域内。",
        )


async def create_for(
    session: AsyncSession,
    principal: Principal,
    organization: Organization,
    body: OfferCreate,
    *,
    status: str,
) -> Offer:
    """Insert the offer; a fund's opening amount enters through its ledger like any donation."""
    ensure_no_personal_data("title", body.title)
    restrictions = body.restrictions
    offer = await offer_repository.insert(
        session,
        Offer(
            org_id=organization.id,
            kind=body.kind.value,
            category=body.category.value if body.category else None,
            title=body.title,
            description=body.description,
            region_prefix=body.region_prefix,
            valid_from=body.valid_from or clock.now(),
            valid_until=body.valid_until,
            status=status,
            total=as_decimal(body.quantity) if body.quantity is not None else Decimal("0.00"),
            purposes=list(restrictions.purposes) if restrictions else [],
            restricted_regions=list(restrictions.region_prefixes) if restrictions else [],
            cap_per_need=restrictions.cap_per_need if restrictions else None,
        ),
    )
    await record_change(
        session,
        principal,
        action="created",
        entity="offer",
        entity_id=offer.id,
        scope=offer_scope(offer),
        event="offer.created",
        payload={"kind": offer.kind, "org_id": offer.org_id, "region_prefix": offer.region_prefix},
    )
    if body.kind is OfferKind.FUND and body.amount is not None:
        offer_id = offer.id
        await fund_service.record_opening(session, principal, offer, organization, body.amount)
        offer = await get(session, principal, offer_id, fresh=True)
    return offer


async def get(session: AsyncSession, principal: Principal, offer_id: uuid.UUID, *, fresh: bool = False) -> Offer:
    offer = await offer_repository.get(session, principal, offer_id, fresh=fresh)
    if offer is None:
        raise auth.offer_not_found()
    return offer


async def update(
    session: AsyncSession,
    principal: Principal,
    offer_id: uuid.UUID,
    body: OfferUpdate,
    if_match: str | None,
) -> Offer:
    """Edit title, description or end of validity; needs the version the caller read."""
    ensure_no_personal_data("title", body.title)
    expected = expected_version(if_match)
    offer = await get(session, principal, offer_id)
    auth.require_may_manage(principal, offer)
    check_version(if_match, offer.version)
    values = body.model_dump(exclude_unset=True, exclude_none=True)
    if not values:  # nothing to change: no new version, nothing to audit
        return offer
    if "valid_until" in values and values["valid_until"] <= offer.valid_from:
        raise BadInput("valid_until must be after valid_from.", "截止时间须晚于开始时间。")
    updated = await offer_repository.update_fields(session, offer_id, values, version=expected)
    if updated is None:
        raise StaleVersion("The offer changed; read it again.", "资源已被修改，请重新读取。")
    await record_change(
        session,
        principal,
        action="updated",
        entity="offer",
        entity_id=offer_id,
        scope=offer_scope(updated),
        event="offer.updated",
        payload={"fields": sorted(values)},
        fields=sorted(values),
    )
    return updated


async def change_status(session: AsyncSession, principal: Principal, offer_id: uuid.UUID, status: str) -> Offer:
    """Publish (draft/paused → published) or pause (published/exhausted → paused)."""
    offer = await get(session, principal, offer_id)
    auth.require_may_manage(principal, offer)
    if status == "published":
        organization = await organization_repository.get(session, principal, offer.org_id)
        if organization is None or organization.verification_status != "verified":
            raise OrganizationNotVerified(
                "Only verified organisations may publish offers.", "仅经认证的组织可发布资源。"
            )
    updated = await offer_repository.update_fields(
        session, offer_id, {"status": status}, from_statuses=STATUS_MOVES[status]
    )
    if updated is None:
        raise InvalidTransition(
            f"An offer in status {offer.status} cannot become {status}.",
            f"资源当前状态为 {offer.status}，不能变为 {status}。",
        )
    await record_change(
        session,
        principal,
        action=status,
        entity="offer",
        entity_id=offer_id,
        scope=offer_scope(updated),
        event=f"offer.{status}",
        payload={"status": updated.status},
    )
    return updated
