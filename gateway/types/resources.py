"""GraphQL types of the resources service: organisations and offers."""

from datetime import datetime
from decimal import Decimal
from typing import Any, Self

import strawberry
from strawberry.types import Info

from gateway.types.case import MISSING, _related
from gateway.types.common import ItemCategory, Node, global_id, parse_time
from services.common import vocabulary as v

OrganizationKind = strawberry.enum(v.OrganizationKind)
OfferKind = strawberry.enum(v.OfferKind)


@strawberry.type(description="A charity, community foundation, enterprise, social organisation or donor.")
class Organization(Node):
    kind: OrganizationKind
    name: str
    credit_code: str | None
    contact_name: str
    contact_phone: str
    service_regions: list[str]
    verification_status: str
    version: int
    created_at: datetime

    @classmethod
    def from_record(cls, r: dict[str, Any]) -> Self:
        return cls(
            id=global_id("Organization", r),
            kind=OrganizationKind(r["kind"]),
            name=r["name"],
            credit_code=r["credit_code"],
            contact_name=r["contact_name"],
            contact_phone=r["contact_phone"],
            service_regions=r["service_regions"],
            verification_status=r["verification_status"],
            version=r["version"],
            created_at=datetime.fromisoformat(r["created_at"]),
        )


@strawberry.type(description="How much of an offer is left: units for goods and services, yuan for funds.")
class Availability:
    total: Decimal
    held: Decimal
    delivered: Decimal
    available: Decimal
    balance: Decimal | None = None


@strawberry.type
class FundRestrictions:
    purposes: list[str]
    region_prefixes: list[str]
    cap_per_need: Decimal | None


@strawberry.type(description="A resource an organisation offers: goods, a fund, professional services or a venue.")
class Offer(Node):
    kind: OfferKind
    category: ItemCategory | None
    title: str
    description: str
    region_prefix: str
    valid_from: datetime | None
    valid_until: datetime | None
    status: str
    availability: Availability
    restrictions: FundRestrictions | None
    version: int
    created_at: datetime
    org_id: strawberry.Private[str]

    @classmethod
    def from_record(cls, r: dict[str, Any]) -> Self:
        figures = r["money"] or r["units"]
        restrictions = r["restrictions"]
        return cls(
            id=global_id("Offer", r),
            kind=OfferKind(r["kind"]),
            category=ItemCategory(r["category"]) if r["category"] else None,
            title=r["title"],
            description=r["description"],
            region_prefix=r["region_prefix"],
            valid_from=parse_time(r["valid_from"]),
            valid_until=parse_time(r["valid_until"]),
            status=r["status"],
            availability=Availability(**{k: Decimal(str(x)) if x is not None else None for k, x in figures.items()}),
            restrictions=FundRestrictions(
                purposes=restrictions["purposes"],
                region_prefixes=restrictions["region_prefixes"],
                cap_per_need=Decimal(restrictions["cap_per_need"]) if restrictions["cap_per_need"] else None,
            )
            if restrictions
            else None,
            version=r["version"],
            created_at=datetime.fromisoformat(r["created_at"]),
            org_id=r["org_id"],
        )

    @strawberry.field
    def organization(self, info: Info) -> Organization | None:
        return _related(info, "organizations", self.org_id, MISSING, Organization.from_record)


# Global id type name -> (loader name, how a record becomes the GraphQL type), for `node(id:)`.
NODES: dict[str, tuple[str, Any]] = {
    "Organization": ("organizations", Organization.from_record),
    "Offer": ("offers", Offer.from_record),
}
