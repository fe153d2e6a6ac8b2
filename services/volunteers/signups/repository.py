"""Every query on sign-ups."""

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.repository import ScopedRepository, equals, filter_set
from services.volunteers.models import SignUp
from services.volunteers.scoping import readable


class SignUpRepository(ScopedRepository[SignUp]):
    model = SignUp
    filters = filter_set(
        activity_id=equals(SignUp.activity_id), volunteer_id=equals(SignUp.volunteer_id), status=equals(SignUp.status)
    )


signups = SignUpRepository(readable)
get, get_many, search = signups.get, signups.get_many, signups.search


async def relock(session: AsyncSession, signup: SignUp) -> SignUp:
    """Re-read a sign-up the caller already read through `readable`, now under its row lock."""
    statement = select(SignUp).where(SignUp.id == signup.id).with_for_update().execution_options(populate_existing=True)
    locked = await session.scalar(statement)
    assert locked is not None
    return locked


async def live_signup_exists(session: AsyncSession, activity_id: uuid.UUID, volunteer_id: uuid.UUID) -> bool:
    """Under the activity's lock: is this volunteer already signed up (confirmed or waiting)?"""
    statement = select(SignUp.id).where(
        SignUp.activity_id == activity_id,
        SignUp.volunteer_id == volunteer_id,
        SignUp.status != "cancelled",
    )
    return await session.scalar(statement) is not None


async def first_waiting(session: AsyncSession, activity_id: uuid.UUID, count: int) -> Sequence[SignUp]:
    """Under the activity's lock: the `count` earliest waiting sign-ups, in arrival order."""
    statement = (
        select(SignUp)
        .where(SignUp.activity_id == activity_id, SignUp.status == "waiting")
        .order_by(SignUp.sequence)
        .limit(count)
        .with_for_update()
    )
    return (await session.scalars(statement)).all()


async def add(session: AsyncSession, signup: SignUp) -> SignUp:
    session.add(signup)
    await session.flush()
    await session.refresh(signup)
    return signup
