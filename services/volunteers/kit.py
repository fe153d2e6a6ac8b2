"""The kit, bound once to the volunteers service's tables: its change recorder and record scopes."""

from services.common.changes import ChangeRecorder, RecordScope
from services.volunteers.models import Activity, AuditEntry, CareAssignment, OutboxEvent, Team, Volunteer

recorder = ChangeRecorder(AuditEntry, OutboxEvent)
record_change = recorder.record_change
record_event = recorder.record_event
record_personal_read = recorder.record_personal_read


def scope_of(row: Volunteer | Team | Activity | CareAssignment) -> RecordScope:
    """Where a row lies: its region, its platform's path, its organisation (teams, activities)."""
    return RecordScope(region_code=row.region, platform_path=row.platform_path, org_id=getattr(row, "org_id", None))
