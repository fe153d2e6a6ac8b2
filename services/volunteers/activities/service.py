"""Activities: organise, change, cancel, complete; reads scoped to the caller."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from services.common.auth import Principal
from services.common.clock import clock
from services.common.concurrency import check_version
from services.common.errors import Conflict, InvalidTransition, NotFound
from services.common.pagination import Page
from services.common.settings import Settings
from services.volunteers.activities import auth
from services.volunteers.activities import repository as activity_repository
from services.volunteers.activities.schemas import (
    ActivityCompletion,
    ActivityCreate,
    ActivityFilters,
    ActivityOut,
    ActivityUpdate,
)
from services.volunteers.kit import record_change, scope_of
from services.volunteers.models import Activity
from services.volunteers.refusals import ActivityNotOver
from services.volunteers.scoping import owning_path
from services.volunteers.signups import waiting_list
from services.volunteers.teams import repository as team_repository


def not_found(activity_id: uuid.UUID) -> NotFound:
    return NotFound(f"No activity {activity_id}.", f"未找到活动 {activity_id}。")


async def load_for_change(session: AsyncSession, principal: Principal, activity_id: uuid.UUID) -> Activity:
    """The activity, row-locked, that the caller manages (404 when unreadable, 403 otherwise)."""
    activity = await activity_repository.get(session, principal, activity_id, lock=True)
    if activity is None:
        raise not_found(activity_id)
    auth.require_manage(principal, activity)
    return activity


async def create(session: AsyncSession, principal: Principal, body: ActivityCreate, settings: Settings) -> ActivityOut:
    """Organise an activity for a platform, a team (its platform or organisation) or an org."""
    platform_id, org_id = body.platform_id, body.org_id
    platform_path = owning_path(principal, settings, platform_id, body.region, body.platform_ticket)
    if body.organiser_kind == "team":
        assert body.team_id is not None
        team = await team_repository.get(session, principal, body.team_id)
        if team is None:
            raise NotFound(f"No team {body.team_id}.", f"未找到志愿服务队伍 {body.team_id}。")
        platform_id, org_id, platform_path = team.platform_id, team.org_id, team.platform_path
    auth.require_organise(principal, platform_path, org_id, body.region)
    values = body.model_dump(mode="json", exclude={"platform_id", "org_id", "starts_at", "ends_at", "platform_ticket"})
    activity = Activity(
        **values,
        platform_id=platform_id,
        platform_path=platform_path,
        org_id=org_id,
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        state="scheduled",
        confirmed_count=0,
        last_sequence=0,
    )
    activity.team_id, activity.project_id = body.team_id, body.project_id
    await activity_repository.add(session, activity)
    await record_change(
        session,
        principal,
        action="created",
        entity="activity",
        entity_id=activity.id,
        scope=scope_of(activity),
        event="activity.created",
        payload={"region": activity.region, "starts_at": activity.starts_at, "capacity": activity.capacity},
    )
    return ActivityOut.model_validate(activity)


async def get(session: AsyncSession, principal: Principal, activity_id: uuid.UUID) -> ActivityOut:
    activity = await activity_repository.get(session, principal, activity_id)
    if activity is None:
        raise not_found(activity_id)
    return ActivityOut.model_validate(activity)


async def search(
    session: AsyncSession,
    principal: Principal,
    filters: ActivityFilters,
    cursor: str | None,
    limit: int,
) -> Page[ActivityOut]:
    rows, next_cursor = await activity_repository.search(
        session, principal, cursor=cursor, limit=limit, **filters.model_dump()
    )
    return Page[ActivityOut](items=[ActivityOut.model_validate(row) for row in rows], next_cursor=next_cursor)


async def batch(session: AsyncSession, principal: Principal, ids: list[uuid.UUID]) -> list[ActivityOut]:
    rows = {row.id: row for row in await activity_repository.get_many(session, principal, ids)}
    return [ActivityOut.model_validate(rows[i]) for i in ids if i in rows]


async def update(
    session: AsyncSession,
    principal: Principal,
    activity_id: uuid.UUID,
    if_match: str | None,
    body: ActivityUpdate,
) -> ActivityOut:
    """Change an activity; capacity may not drop below the confirmed sign-ups."""
    activity = await load_for_change(session, principal, activity_id)
    check_version(if_match, activity.version)
    changes = {k: v for k, v in body.model_dump(mode="json", exclude_unset=True).items() if v is not None}
    if changes.get("is_public", activity.is_public) != activity.is_public:
        auth.require_publicity_change(principal, activity)
    if not changes:  # nothing to change: no new version, nothing to audit
        return ActivityOut.model_validate(activity)
    if changes.get("capacity", activity.capacity) < activity.confirmed_count:
        raise Conflict(
            f"{activity.confirmed_count} people are confirmed; capacity cannot be lower.",
            f"已有 {activity.confirmed_count} 人确认参加，容量不能低于此数。",
        )
    for field, value in changes.items():
        setattr(activity, field, value)
    activity.version += 1
    await session.flush()
    if "capacity" in changes:
        await waiting_list.fill_free_places(session, principal, activity)
    await session.refresh(activity)
    await record_change(
        session,
        principal,
        action="updated",
        entity="activity",
        entity_id=activity.id,
        scope=scope_of(activity),
        event="activity.updated",
        payload={"version": activity.version},
        fields=sorted(changes),
    )
    return ActivityOut.model_validate(activity)


async def cancel(session: AsyncSession, principal: Principal, activity_id: uuid.UUID) -> ActivityOut:
    """Cancel a scheduled activity; its sign-ups no longer block other commitments."""
    activity = await load_for_change(session, principal, activity_id)
    _require_scheduled(activity)
    activity.state = "cancelled"
    activity.version += 1
    await session.flush()
    await session.refresh(activity)
    await record_change(
        session,
        principal,
        action="cancelled",
        entity="activity",
        entity_id=activity.id,
        scope=scope_of(activity),
        event="activity.cancelled",
        payload={"state": "cancelled"},
    )
    return ActivityOut.model_validate(activity)


async def complete(
    session: AsyncSession, principal: Principal, activity_id: uuid.UUID, body: ActivityCompletion
) -> ActivityOut:
    """Mark an activity held (only once it has ended) and record beneficiaries and other
    participants for statistics."""
    activity = await load_for_change(session, principal, activity_id)
    _require_scheduled(activity)
    if activity.ends_at > clock.now():
        raise ActivityNotOver("An activity is completed only after it has ended.", "活动结束后才能登记为已开展。")
    activity.state = "completed"
    for field, value in body.model_dump().items():
        setattr(activity, field, value)
    activity.version += 1
    await session.flush()
    await session.refresh(activity)
    await record_change(
        session,
        principal,
        action="completed",
        entity="activity",
        entity_id=activity.id,
        scope=scope_of(activity),
        event="activity.completed",
        payload={"state": "completed", **body.model_dump()},
    )
    return ActivityOut.model_validate(activity)


def _require_scheduled(activity: Activity) -> None:
    if activity.state != "scheduled":
        raise InvalidTransition(
            f"The activity is {activity.state}.", f"该活动状态为 {activity.state}，不能执行此操作。"
        )
