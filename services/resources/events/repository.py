"""Every query on the outbox."""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.resources.models import OutboxEvent


async def list_after(session: AsyncSession, after: int, limit: int) -> Sequence[OutboxEvent]:
    """Events after `after`, oldest first. The feed is role-gated, not row-scoped."""
    statement = select(OutboxEvent).where(OutboxEvent.id > after).order_by(OutboxEvent.id)
    return (await session.scalars(statement.limit(limit))).all()
