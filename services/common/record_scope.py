"""Who reads which audit rows and events: the staff-scope policy, applied to the scope columns
that `record_change` writes (`RecordScopeColumns`).

- civil-affairs admins: rows whose region lies in (or contains) their region prefix;
- centre/station staff and community workers: rows of their platform's subtree (the row's
  platform path names their platform) inside their region prefix, and rows of no platform
  (offers, organisations) whose region meets their prefix — what they may read of the records;
- org staff: their organisation's rows;
- volunteers: none; app clients: only what the gateway's app view shows (`app_event_types`,
  payload and request id withheld).
A row with no scope at all (written before the scope columns, naming no known record) is read
only by admins without a region claim.
"""

from typing import Any

from sqlalchemy import ColumnElement, false, literal, or_, true

from services.common.auth import Principal
from services.common.vocabulary import Role

PLATFORM_ROLES = frozenset({Role.CENTRE_STAFF, Role.STATION_STAFF, Role.COMMUNITY_WORKER})


def _region_meets(column: Any, prefix: str) -> ColumnElement[bool]:
    """The row's region lies inside `prefix`, or contains it (an offer for all of 15 serves 150781)."""
    return (column != "") & or_(column.startswith(prefix, autoescape=True), literal(prefix).startswith(column))


def visible_records(principal: Principal, model: type[Any]) -> ColumnElement[bool]:
    """The WHERE clause limiting an audit or outbox table to the rows the caller may read."""
    if principal.role is Role.CIVIL_AFFAIRS_ADMIN:
        return true() if not principal.region else _region_meets(model.region_code, principal.region)
    if principal.role in PLATFORM_ROLES:
        if principal.platform_id is None:
            return false()
        in_subtree = model.platform_path.contains(f"/{principal.platform_id}/", autoescape=True)
        on_platform = in_subtree & model.region_code.startswith(principal.region, autoescape=True)
        of_no_platform = (model.platform_path == "") & _region_meets(model.region_code, principal.region)
        return on_platform | of_no_platform
    if principal.role is Role.ORG_STAFF:
        return model.org_id == principal.org_id if principal.org_id is not None else false()
    return false()


def visible_events(principal: Principal, model: type[Any], app_event_types: frozenset[str]) -> ColumnElement[bool]:
    """Events the caller may read; an app only the types the gateway shows apps."""
    if principal.role is Role.APP_CLIENT:
        return model.event_type.in_(sorted(app_event_types)) if app_event_types else false()
    return visible_records(principal, model)
