"""The kit, bound once to the resources service's tables: its change recorder and record scopes."""

import uuid

from services.common.changes import ChangeRecorder, RecordScope
from services.resources.models import AuditEntry, Hold, Offer, Organization, OutboxEvent, Pledge

recorder = ChangeRecorder(AuditEntry, OutboxEvent)
record_change = recorder.record_change
record_event = recorder.record_event
record_personal_read = recorder.record_personal_read


def offer_scope(offer: Offer) -> RecordScope:
    """An offer (or fund) lies in the region it serves and belongs to its organisation."""
    return RecordScope(region_code=offer.region_prefix, org_id=offer.org_id)


def organization_scope(organization: Organization) -> RecordScope:
    """An organisation lies where all its service regions meet (their common prefix)."""
    regions = organization.service_regions or [""]
    common = next((i for i, chars in enumerate(zip(*regions, strict=False)) if len(set(chars)) > 1), None)
    shortest = min(len(code) for code in regions)
    return RecordScope(region_code=regions[0][: shortest if common is None else common], org_id=organization.id)


def hold_scope(hold: Hold, org_id: uuid.UUID | None) -> RecordScope:
    """A hold lies where its need does (the case service's sealed word); `org_id` gives."""
    return RecordScope(region_code=hold.need_region, platform_path=hold.platform_path, org_id=org_id)


def pledge_scope(pledge: Pledge) -> RecordScope:
    return RecordScope(region_code=pledge.need_region, platform_path=pledge.platform_path, org_id=pledge.org_id)
