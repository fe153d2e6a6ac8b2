"""Every query for recipients."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.case.models import Recipient
from services.case.scoping import readable
from services.common.repository import ScopedRepository, equals, filter_set, prefix


class RecipientRepository(ScopedRepository[Recipient]):
    model = Recipient
    filters = filter_set(
        platform_id=equals(Recipient.platform_id),
        region=prefix(Recipient.region_code),
        category=lambda value: Recipient.categories.contains([value]),
        name=lambda value: Recipient.name.contains(value, autoescape=True),
    )


recipients = RecipientRepository(readable)
get, get_many, search = recipients.get, recipients.get_many, recipients.search


async def find_by_id_hash(session: AsyncSession, id_hash: str) -> Recipient | None:
    """Duplicate check across the whole system (unscoped on purpose: one person, one record)."""
    return await session.scalar(select(Recipient).where(Recipient.id_number_hash == id_hash))


async def add(session: AsyncSession, recipient: Recipient) -> Recipient:
    session.add(recipient)
    await session.flush()
    return recipient
