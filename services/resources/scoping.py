"""Who may read what: the one place that adds the caller's scope to a statement.

Every repository read of a scoped table goes through `readable` (a test checks it). A record
outside the caller's scope is simply not found, so the API answers 404 and confirms nothing.
`principal=None` is the public (unauthenticated) view used by the disclosure page.
"""

from collections.abc import Callable
from typing import Any, TypeVarTuple

from sqlalchemy import ColumnElement, Select, exists, false, func, literal, or_, select, true

from services.common.auth import Principal
from services.common.vocabulary import OrganizationKind, Role
from services.resources.models import Hold, LedgerEntry, Offer, Organization, Pledge
from services.resources.offers.auth import acts_for_organization

Ts = TypeVarTuple("Ts")
Rule = Callable[[Principal | None], ColumnElement[bool]]

REGIONAL_ROLES = frozenset({Role.CIVIL_AFFAIRS_ADMIN, Role.CENTRE_STAFF, Role.STATION_STAFF, Role.COMMUNITY_WORKER})


def readable(statement: Select[*Ts], principal: Principal | None) -> Select[*Ts]:
    """`statement` limited to the rows of its first entity that `principal` may read."""
    entity = next((d["entity"] for d in statement.column_descriptions if d.get("entity") is not None), None)
    if entity is None:  # aggregates: find the scoped table among the FROM clauses
        tables = {model.__table__: model for model in _RULES}
        entity = next((tables[f] for f in statement.get_final_froms() if f in tables), None)
    try:
        rule = _RULES[entity]
    except KeyError as exc:
        raise TypeError(f"no read scope defined for {entity!r}") from exc
    return statement.where(rule(principal))


def prefixes_overlap(column: Any, prefix: str) -> ColumnElement[bool]:
    """The column's region prefix lies inside `prefix`, or contains it (1507 vs 150781)."""
    return or_(column.startswith(prefix), literal(prefix).startswith(column))


def _organizations(principal: Principal | None) -> ColumnElement[bool]:
    public = (Organization.verification_status == "verified") & (
        Organization.kind != OrganizationKind.INDIVIDUAL_DONOR.value
    )
    if principal is None or principal.role in (Role.APP_CLIENT, Role.VOLUNTEER):
        return public
    if principal.role is Role.ORG_STAFF:
        return Organization.id == principal.org_id if principal.org_id else false()
    region = func.unnest(Organization.service_regions).table_valued("code").render_derived()
    return exists(select(1).select_from(region).where(prefixes_overlap(region.c.code, principal.region)))


def _offers(principal: Principal | None) -> ColumnElement[bool]:
    if principal is None:
        return Offer.status != "draft"
    if principal.role in (Role.APP_CLIENT, Role.VOLUNTEER):
        # Exhausted offers stay visible: an app must still see (and release) what it pledged.
        public = Offer.status.in_(("published", "exhausted"))
        if acts_for_organization(principal):  # and an app writing for an organisation sees its drafts
            return public | (Offer.org_id == principal.org_id)
        return public
    if principal.role is Role.ORG_STAFF:
        return Offer.org_id == principal.org_id if principal.org_id else false()
    in_region = prefixes_overlap(Offer.region_prefix, principal.region)
    if principal.role is Role.CIVIL_AFFAIRS_ADMIN:
        return in_region
    return in_region & (Offer.status != "draft")


def serves_callers_need(principal: Principal, platform_path: Any, need_region: Any) -> ColumnElement[bool]:
    """Records that serve a need (holds, pledges), by the staff-scope policy every service applies:
    the need's platform lies in the caller's platform subtree (its path names the caller's
    platform) and the need's region lies in the caller's region prefix; civil-affairs admins see
    their region. Both facts came sealed from the case service, never from a caller's body."""
    region = need_region.startswith(principal.region, autoescape=True) if principal.region else true()
    if principal.role is Role.CIVIL_AFFAIRS_ADMIN:
        return region
    if principal.platform_id is None:
        return false()
    return platform_path.contains(f"/{principal.platform_id}/", autoescape=True) & region


def _holds(principal: Principal | None) -> ColumnElement[bool]:
    if principal is None or principal.role is Role.VOLUNTEER:
        return false()
    if principal.role is Role.APP_CLIENT:
        return Hold.created_by == principal.subject
    if principal.role is Role.ORG_STAFF:
        own_offers = select(Offer.id).where(Offer.org_id == principal.org_id)
        return Hold.offer_id.in_(own_offers) if principal.org_id else false()
    return serves_callers_need(principal, Hold.platform_path, Hold.need_region)


def _ledger_entries(principal: Principal | None) -> ColumnElement[bool]:
    funds = select(Offer.id).where(Offer.kind == "fund").where(_offers(principal))
    return LedgerEntry.fund_id.in_(funds)


def _pledges(principal: Principal | None) -> ColumnElement[bool]:
    if principal is None or principal.role is Role.VOLUNTEER:
        return false()
    if principal.role is Role.APP_CLIENT:
        return Pledge.pledged_by == principal.subject
    if principal.role is Role.ORG_STAFF:
        return Pledge.org_id == principal.org_id if principal.org_id else false()
    return serves_callers_need(principal, Pledge.platform_path, Pledge.need_region)


_RULES: dict[Any, Rule] = {
    Organization: _organizations,
    Offer: _offers,
    Hold: _holds,
    LedgerEntry: _ledger_entries,
    Pledge: _pledges,
}
