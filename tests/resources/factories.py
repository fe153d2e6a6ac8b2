"""Small async factories for the resources service; each commits its rows through `db`."""

import random
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from services.common.database import Database
from services.common.settings import Settings
from services.common.tickets import NeedTicket, seal
from services.resources.models import Hold, LedgerEntry, Offer, Organization
from services.resources.organizations.credit_code import ALPHABET, check_character
from tests.support.auth import bearer

# The platform tree the case service vouches for in its tickets: the 满洲里 county centre and two of
# its township stations (tests play the case service here).
CENTRE = uuid.UUID("00000000-0000-4000-8000-000000150781")
STATION = uuid.UUID("00000000-0000-4000-8000-000150781001")
OTHER_STATION = uuid.UUID("00000000-0000-4000-8000-000150781002")
STATION_PATH = f"/{CENTRE}/{STATION}/"
OTHER_STATION_PATH = f"/{CENTRE}/{OTHER_STATION}/"


def staff(
    settings: Settings, role: str = "station_staff", *, platform_id: uuid.UUID = STATION, region: str = "150781001"
) -> dict[str, str]:
    """Bearer headers of a platform's staff (subject `staff-<platform id>`)."""
    return bearer(settings, role, platform_id=platform_id, region=region, subject=f"staff-{platform_id}")


def need_ticket(
    settings: Settings,
    need_id: uuid.UUID | str,
    *,
    subject: str = f"staff-{STATION}",
    platform_path: str = STATION_PATH,
    region: str = "150781001",
) -> str:
    """What the case service's `POST /v1/needs/{id}/ticket` answers for `subject`."""
    platform_id = uuid.UUID(platform_path.rstrip("/").rsplit("/", 1)[1])
    return seal(NeedTicket(uuid.UUID(str(need_id)), platform_id, platform_path, region, subject), settings)


def hold_request(
    settings: Settings,
    offer: Offer,
    *,
    subject: str = f"staff-{STATION}",
    platform_path: str = STATION_PATH,
    region: str = "150781001",
    need_id: uuid.UUID | None = None,
    **fields: object,
) -> dict[str, object]:
    """A `POST /v1/holds` body with its ticket; `fields` override or add (quantity 2 by default)."""
    need = need_id or uuid.uuid4()
    body: dict[str, object] = {
        "need_id": str(need),
        "need_ticket": need_ticket(settings, need, subject=subject, platform_path=platform_path, region=region),
        "offer_id": str(offer.id),
        "quantity": 2,
    }
    body.update(fields)
    return body


def credit_code(region: str = "150781") -> str:
    """A valid unified social credit code (right GB 32100 check character)."""
    # The system's randomness: hypothesis seeds `random` per example, which would repeat codes.
    body = "91" + region[:6].ljust(6, "0") + "".join(random.SystemRandom().choices(ALPHABET, k=9))
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
    need_region: str = "150781001",
    platform_path: str = STATION_PATH,
) -> Hold:
    """A hold with the offer's `held` counter moved accordingly (as the service would)."""
    hold = Hold(
        need_id=need_id or uuid.uuid4(),
        need_region=need_region,
        platform_path=platform_path,
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
