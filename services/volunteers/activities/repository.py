"""Every query on activities."""

from sqlalchemy import true
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.repository import ScopedRepository, equals, filter_set, prefix
from services.volunteers.models import Activity
from services.volunteers.scoping import readable


class ActivityRepository(ScopedRepository[Activity]):
    model = Activity
    filters = filter_set(
        region=prefix(Activity.region),
        skill=lambda skill: Activity.required_skills.contains([skill.value]),
        state=equals(Activity.state),
        starts_from=lambda at: Activity.starts_at >= at,
        starts_before=lambda at: Activity.starts_at < at,
        public_only=lambda only: Activity.is_public.is_(True) if only else true(),
    )


activities = ActivityRepository(readable)
get, get_many, search = activities.get, activities.get_many, activities.search


async def add(session: AsyncSession, activity: Activity) -> Activity:
    session.add(activity)
    await session.flush()
    await session.refresh(activity)
    return activity
