"""Pledges: a donor's claim of a public wish becomes a donation offer plus a hold on it."""

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from services.common.auth import Principal
from services.common.errors import Conflict, Forbidden, NotFound
from services.common.personal_data import mask_name, mask_phone
from services.common.personal_text import ensure_no_personal_data
from services.common.settings import Settings
from services.common.tickets import PledgeReceipt, seal
from services.common.vocabulary import STAFF_ROLES, ItemCategory, OfferKind, OrganizationKind, Role
from services.resources.funds import service as fund_service
from services.resources.holds import service as hold_service
from services.resources.holds.schemas import HoldCreate, HoldStateCode
from services.resources.kit import pledge_scope, record_change, record_personal_read
from services.resources.models import Organization, Pledge
from services.resources.offers import service as offer_service
from services.resources.offers.schemas import OfferCreate, as_decimal
from services.resources.organizations import repository as organization_repository
from services.resources.pledges import repository as pledge_repository
from services.resources.pledges.schemas import Pledge as PledgeOut
from services.resources.pledges.schemas import PledgeCreate

CLAIM_SCOPE = "wishes:claim"


class NotClaimable(Conflict):
    code = "NOT_CLAIMABLE"


class PledgeConfirmed(Conflict):
    code = "PLEDGE_CONFIRMED"


def require_may_pledge(principal: Principal) -> None:
    """App clients with `wishes:claim`, or organisation staff for their own organisation."""
    if principal.role is Role.APP_CLIENT and principal.has_scope(CLAIM_SCOPE):
        return
    if principal.role is Role.ORG_STAFF and principal.org_id is not None:
        return
    raise Forbidden(f"Claiming a wish needs the {CLAIM_SCOPE} scope.", f"认领心愿需要 {CLAIM_SCOPE} 权限。")


async def create(session: AsyncSession, principal: Principal, body: PledgeCreate, settings: Settings) -> PledgeOut:
    """Create the donor (if an individual), a published donation offer and a hold for the need."""
    require_may_pledge(principal)
    ensure_no_personal_data("title", body.title)
    need = hold_service.open_ticket(principal, body.need_id, body.need_ticket, settings)
    if need.need_kind == "care":
        raise NotClaimable(
            "A care need is met by a volunteer the station assigns, not pledged.",
            "关爱服务需求由社工站安排志愿者对接，不能认捐。",
        )
    hold_service.ensure_within_need(need, body.amount if body.amount is not None else as_decimal(body.quantity or 0))
    county = need.region_code[:6]  # what the public feed says of the wish's place; no finer
    donor = await _donor_organization(session, principal, body, county)
    offer_body = OfferCreate(
        kind=OfferKind.FUND if body.amount is not None else OfferKind.MATERIAL,
        title=body.title,
        category=body.category,
        quantity=body.quantity,
        region_prefix=county,
    )
    offer = await offer_service.create_for(session, principal, donor, offer_body, status="published")
    if body.amount is not None:
        # The pledged money is booked into the new fund, from which it is held for the need.
        await fund_service.record_opening(session, principal, offer, donor, body.amount)
    hold = await hold_service.create_unchecked(
        session,
        principal,
        HoldCreate(
            need_id=need.need_id,
            need_ticket=body.need_ticket,
            offer_id=offer.id,
            quantity=body.quantity,
            amount=body.amount,
            ttl_seconds=body.ttl_seconds,
        ),
        need,
    )
    pledge = await pledge_repository.insert(
        session,
        Pledge(
            need_id=need.need_id,
            need_region=need.region_code,
            platform_path=need.platform_path,
            org_id=donor.id,
            offer_id=offer.id,
            hold_id=hold.id,
            donor_name=body.donor_name,
            donor_contact=body.donor_contact,
            pledged_by=principal.subject,
        ),
    )
    await record_change(
        session,
        principal,
        action="created",
        entity="pledge",
        entity_id=pledge.id,
        scope=pledge_scope(pledge),
        event="pledge.created",
        payload={"need_id": pledge.need_id, "offer_id": offer.id, "hold_id": hold.id},
    )
    return (await present(session, principal, [pledge], settings))[0]


async def _donor_organization(
    session: AsyncSession, principal: Principal, body: PledgeCreate, county: str
) -> Organization:
    if principal.role is Role.ORG_STAFF:
        assert principal.org_id is not None
        organization = await organization_repository.get(session, principal, principal.org_id)
        if organization is None:
            raise Forbidden("Your organisation is not registered.", "您的组织尚未登记。")
        return organization
    created = await organization_repository.insert_unless_code_taken(
        session,
        {
            "kind": OrganizationKind.INDIVIDUAL_DONOR.value,
            "name": body.donor_name,
            "credit_code": None,
            "contact_name": body.donor_name,
            "contact_phone": body.donor_contact,
            "service_regions": [county],
            "verification_status": "pending",
            "version": 1,
        },
    )
    assert created is not None  # no credit code, so no conflict
    return created


async def get(session: AsyncSession, principal: Principal, pledge_id: uuid.UUID, settings: Settings) -> PledgeOut:
    pledge = await pledge_repository.get(session, principal, pledge_id)
    if pledge is None:
        raise NotFound("No such pledge.", "认领记录不存在。")
    return (await present(session, principal, [pledge], settings))[0]


async def withdraw(session: AsyncSession, principal: Principal, pledge_id: uuid.UUID, settings: Settings) -> PledgeOut:
    """The donor takes back a claim the station has not confirmed: its hold is released (and with it
    the pledge's offer and promised money, pledges/lapse.py). Withdrawing a lapsed or withdrawn
    pledge answers it as it is; a confirmed one is the station's to undo (409 PLEDGE_CONFIRMED)."""
    pledge = await pledge_repository.get(session, principal, pledge_id)
    if pledge is None:
        raise NotFound("No such pledge.", "认领记录不存在。")
    donor_side = principal.subject == pledge.pledged_by or (
        principal.role is Role.ORG_STAFF and principal.org_id == pledge.org_id
    )
    if not donor_side:
        raise Forbidden("Only the donor may withdraw a pledge.", "只有认领方可以撤回认领。")
    current = (await present(session, principal, [pledge], settings))[0]
    if current.hold_state in ("committed", "delivered"):
        raise PledgeConfirmed(
            "The station has confirmed this pledge; ask the station to undo the match.",
            "社工站已确认该认领，如需撤回请联系社工站。",
            current_state=current.hold_state,
        )
    if current.hold_state == "held":
        await hold_service.change_state(session, principal, pledge.hold_id, "released")
    return (await present(session, principal, [pledge], settings))[0]


def may_see_donor(principal: Principal, pledge: Pledge) -> bool:
    """The pledging client, the donor's organisation and the stations that arrange delivery."""
    if principal.role in (Role.STATION_STAFF, Role.CENTRE_STAFF):
        return True
    if principal.role is Role.ORG_STAFF:
        return principal.org_id == pledge.org_id
    return principal.role is Role.APP_CLIENT and principal.subject == pledge.pledged_by


async def present(
    session: AsyncSession, principal: Principal, pledges: Sequence[Pledge], settings: Settings
) -> list[PledgeOut]:
    if not pledges:
        return []
    details = await pledge_repository.details(session, principal, pledges)
    unmasked = [(str(p.id), pledge_scope(p)) for p in pledges if may_see_donor(principal, p)]
    if unmasked:
        await record_personal_read(session, principal, "pledge", unmasked, ["donor_name", "donor_contact"])
    return [_out(principal, pledge, details.get(pledge.id), settings) for pledge in pledges]


def _out(principal: Principal, pledge: Pledge, detail: object, settings: Settings) -> PledgeOut:
    unmasked = may_see_donor(principal, pledge)
    staff = principal.role in STAFF_ROLES
    receipt = None
    if principal.subject == pledge.pledged_by:
        receipt = seal(PledgeReceipt(pledge.need_id, pledge.hold_id, principal.subject), settings)
    state: HoldStateCode = getattr(detail, "state", "held")
    size = getattr(detail, "quantity", None)
    fund = getattr(detail, "kind", None) == "fund"
    category = getattr(detail, "category", None)
    return PledgeOut(
        id=pledge.id,
        need_id=pledge.need_id,
        need_region=pledge.need_region if staff else pledge.need_region[:6],
        org_id=pledge.org_id,
        offer_id=pledge.offer_id,
        hold_id=pledge.hold_id,
        hold_state=state,
        expires_at=getattr(detail, "expires_at", None),
        category=ItemCategory(category) if category else None,
        quantity=int(size) if size is not None and not fund else None,
        amount=size if fund else None,
        donor_name=pledge.donor_name if unmasked else mask_name(pledge.donor_name),
        donor_contact=pledge.donor_contact if unmasked else mask_phone(pledge.donor_contact),
        created_at=pledge.created_at,
        receipt=receipt,
    )
