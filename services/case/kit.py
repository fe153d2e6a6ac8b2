"""The kit, bound once to the case service's tables: its change recorder and record scopes."""

import uuid
from collections.abc import Sequence
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from services.case.models import AuditEntry, OutboxEvent, Platform
from services.case.platforms import repository as platform_repository
from services.common.changes import ChangeRecorder, RecordScope

recorder = ChangeRecorder(AuditEntry, OutboxEvent)
# What an app may read of the feed: a public wish's state changes, as the gateway's app view
# shows them (gateway/queries/events.py); the other services show apps nothing.
APP_EVENT_TYPES = frozenset(
    f"need.{state}"
    for state in ("published", "pending", "open", "matched", "fulfilled", "closed", "cancelled", "expired")
)
record_change = recorder.record_change
record_event = recorder.record_event
record_personal_read = recorder.record_personal_read


class OnPlatform(Protocol):
    """A loaded row of a scoped table (a need, a case, a recipient ...)."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def platform_id(self) -> uuid.UUID: ...
    @property
    def region_code(self) -> str: ...


async def scope_of(session: AsyncSession, row: OnPlatform) -> RecordScope:
    """Where a row lies, for its audit rows and events: its platform's path and its region."""
    path = await platform_repository.path_of(session, row.platform_id)
    return RecordScope(region_code=row.region_code, platform_path=path)


async def scoped_ids(session: AsyncSession, rows: Sequence[OnPlatform]) -> list[tuple[str, RecordScope]]:
    """Each row's id and scope (one query for all their platforms), for `record_personal_read`."""
    paths = await platform_repository.paths_of(session, {row.platform_id for row in rows})
    return [
        (str(row.id), RecordScope(region_code=row.region_code, platform_path=paths.get(row.platform_id, "")))
        for row in rows
    ]


def platform_scope(platform: Platform) -> RecordScope:
    """A platform's own audit rows and events lie where the platform does."""
    return RecordScope(region_code=platform.region_code, platform_path=platform.path)
