"""Small async factories for the resources service; each commits its rows through `db`."""

import random
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from services.common.database import Database
from services.resources.models import Hold, LedgerEntry, Offer, Organization
from services.resources.organizations.credit_code import ALPHABET, check_character


def credit_code(region: str = "150781") -> str:
    """A valid unified social credit code (right GB 32100 check character)."""
    body = "91" + region[:6].ljust(6, "0") + "".join(random.choices(ALPHABET, k=9))
    return body + check_character(body)


async def make_organization(
    db: Database,
    *,
    kind: str = "charity",
    name: str = "满洲里市慈善总会",
    service_regions: list[str] | None = None,
    verification_status: str = "verified",
    contact_name: str = "李明",
    contact_phone: str = "13812345678",
) -> Organization:
    organization = Organization(
        kind=kind,
        name=name,
        credit_code=None if kind == "individual_donor" else credit_code(),
        contact_name=contact_name,
        contact_phone=contact_phone,
        service_regions=service_regions or ["1507"],
        verification_status=verification_status,
    )
    async with db.sessions() as session:
        session.add(organization)
        await session.commit()
    return organization


async def make_offer(
    db: Database,
    organization: Organization,
    *,
    kind: str = "material",
    category: str | None = "daily_necessities",
    total: int | Decimal = 10,
    status: str = "published",
    region_prefix: str = "1507",
    valid_until: datetime | None = None,
    purposes: list[str] | None = None,
    restricted_regions: list[str] | None = None,
    cap_per_need: Decimal | None = None,
) -> Offer:
    """An offer; a fund's `total` is booked as an opening donation so the ledger matches."""
    fund = kind == "fund"
    offer = Offer(
        org_id=organization.id,
        kind=kind,
        category=None if fund else category,
        title="冬季棉被" if not fund else "困境儿童助学金",
        region_prefix=region_prefix,
        valid_from=datetime.now(UTC) - timedelta(days=1),
        valid_until=valid_until,
        status=status,
        total=Decimal(total),
        purposes=purposes or [],
        restricted_regions=restricted_regions or [],
        cap_per_need=cap_per_need,
    )
    async with db.sessions() as session:
        session.add(offer)
        await session.flush()
        if fund and Decimal(total) > 0:
            session.add(
                LedgerEntry(
                    fund_id=offer.id,
                    kind="donation",
                    amount=Decimal(total),
                    donor_name=organization.name,
                    reference="opening",
                    actor="factory",
                )
            )
        await session.commit()
    return offer


async def make_hold(
    db: Database,
    offer: Offer,
    *,
    quantity: int | Decimal = 1,
    state: str = "held",
    expires_in: timedelta = timedelta(minutes=15),
    need_id: uuid.UUID | None = None,
    need_region: str = "150781",
) -> Hold:
    """A hold with the offer's `held` counter moved accordingly (as the service would)."""
    hold = Hold(
        need_id=need_id or uuid.uuid4(),
        need_region=need_region,
        offer_id=offer.id,
        quantity=Decimal(quantity),
        state=state,
        expires_at=datetime.now(UTC) + expires_in,
        created_by="factory",
    )
    async with db.sessions() as session:
        session.add(hold)
        row = await session.get(Offer, offer.id)
        assert row is not None
        if state in ("held", "committed"):
            row.held += Decimal(quantity)
        await session.commit()
    return hold
