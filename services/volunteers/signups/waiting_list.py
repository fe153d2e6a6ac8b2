"""The waiting list: free places go to the earliest waiting sign-ups, in arrival order."""

from sqlalchemy.ext.asyncio import AsyncSession

from services.common.auth import Principal
from services.volunteers.kit import record_change, scope_of
from services.volunteers.models import Activity
from services.volunteers.signups import repository as signup_repository


async def fill_free_places(session: AsyncSession, principal: Principal, activity: Activity) -> int:
    """Promote waiting sign-ups into free places; the caller holds the activity's row lock."""
    free = activity.capacity - activity.confirmed_count
    if free <= 0 or activity.state != "scheduled":
        return 0
    promoted = await signup_repository.first_waiting(session, activity.id, free)
    for signup in promoted:
        signup.status = "confirmed"
        signup.version += 1
    activity.confirmed_count += len(promoted)
    await session.flush()
    for signup in promoted:
        await record_change(
            session,
            principal,
            action="promoted",
            entity="signup",
            entity_id=signup.id,
            scope=scope_of(activity),
            event="signup.promoted",
            payload={
                "activity_id": activity.id,
                "volunteer_id": signup.volunteer_id,
                "status": "confirmed",
            },
        )
    return len(promoted)
