"""Every query for needs and for the public wish feed."""

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, case, delete, func, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.case.models import Case, Need, Project, ProofPhoto, Recipient
from services.case.scoping import readable
from services.common.auth import Principal
from services.common.pagination import fetch_row_page
from services.common.repository import ScopedRepository, equals, filter_set, prefix
from services.common.vocabulary import NeedKind, NeedState

FILTERS = ("kind", "state", "platform_id", "project_id", "case_id", "recipient_id", "item_category")
# What the public ever sees of a need: states after cancellation or expiry are not shown.
PUBLIC_STATES = (NeedState.OPEN, NeedState.PENDING, NeedState.MATCHED, NeedState.FULFILLED, NeedState.CLOSED)


class NeedRepository(ScopedRepository[Need]):
    model = Need
    filters = filter_set(**{name: equals(getattr(Need, name)) for name in FILTERS}, region=prefix(Need.region_code))


needs = NeedRepository(readable)
get, get_many, search = needs.get, needs.get_many, needs.search


async def add(session: AsyncSession, need: Need) -> Need:
    session.add(need)
    await session.flush()
    return need


def _public_statement() -> Any:
    """Public wishes are anonymised views; they are readable by anyone, so no caller scope applies."""
    return select(Need).where(Need.state.in_(PUBLIC_STATES))


async def public_wishes(
    session: AsyncSession,
    *,
    cursor: str | None,
    limit: int,
    region: str | None,
    kind: str | None,
    item_category: str | None,
    state: str,
    project_id: uuid.UUID | None,
) -> tuple[Sequence[Row[Any]], str | None]:
    statement = _public_statement().where(Need.state == state)
    if region:
        statement = statement.where(Need.region_code.startswith(region))
    if kind:
        statement = statement.where(Need.kind == kind)
    if item_category:
        statement = statement.where(Need.item_category == item_category)
    if project_id:
        statement = statement.where(Need.project_id == project_id)
    return await fetch_row_page(session, statement, Need.created_at, Need.id, cursor, limit)


async def public_people(session: AsyncSession) -> Sequence[Row[Any]]:
    """What the feed could say about the person behind every published wish (to keep it k-anonymous)."""
    brand = case((Project.is_brand, Project.name), else_=None).label("brand")
    statement = (
        select(Need.id, Recipient.birth_date, Recipient.categories, Need.region_code, brand)
        .join(Recipient, Recipient.id == Need.recipient_id)
        .outerjoin(Project, Project.id == Need.project_id)
        .where(Need.state.in_(PUBLIC_STATES))
    )
    return (await session.execute(statement)).all()


async def public_need(session: AsyncSession, need_id: uuid.UUID) -> Need | None:
    """A need the public feed shows (anyone may ask to claim what the feed shows)."""
    return await session.scalar(select(Need).where(Need.id == need_id, Need.state.in_(PUBLIC_STATES)))


async def lock_public(session: AsyncSession, need_id: uuid.UUID) -> Need | None:
    """A need as a public wish, locked for a donor's claim (anyone may claim what the feed shows)."""
    statement = select(Need).where(Need.id == need_id, Need.state.in_(PUBLIC_STATES)).with_for_update()
    return await session.scalar(statement)


async def public_wishes_by_id(session: AsyncSession, ids: list[uuid.UUID]) -> Sequence[Row[Any]]:
    return (await session.execute(_public_statement().where(Need.id.in_(ids)))).all()


async def snapshot_digest(session: AsyncSession) -> str:
    """A digest of the current MVCC snapshot (no table is read, so no scope applies)."""
    snapshot = await session.scalar(text("SELECT md5(pg_current_snapshot()::text)"))
    return str(snapshot)[:16]


async def lapse_pending(session: AsyncSession, now: datetime) -> Sequence[Row[uuid.UUID, uuid.UUID]]:
    """Pending reservations nobody confirmed go back to open; one statement, safe across replicas."""
    statement = (
        update(Need)
        .where(Need.state == NeedState.PENDING.value, Need.pending_until < now)
        .values(
            state=NeedState.OPEN.value,
            pending_reference=None,
            pending_until=None,
            version=Need.version + 1,
            updated_at=now,
        )
        .returning(Need.id, Need.platform_id)
    )
    return (await session.execute(statement)).all()


async def expire_past_deadline(session: AsyncSession, now: datetime) -> Sequence[Row[uuid.UUID, uuid.UUID]]:
    statement = (
        update(Need)
        .where(Need.state == NeedState.OPEN.value, Need.deadline < now)
        .values(state=NeedState.EXPIRED.value, version=Need.version + 1, updated_at=now)
        .returning(Need.id, Need.platform_id)
    )
    return (await session.execute(statement)).all()


async def photo_of(session: AsyncSession, need_id: uuid.UUID) -> ProofPhoto | None:
    """The proof photo of a need the caller has already read (in scope, or as a fulfilled public wish)."""
    return await session.get(ProofPhoto, need_id)


async def put_photo(session: AsyncSession, photo: ProofPhoto) -> ProofPhoto:
    """Store the need's photo, replacing the one it had."""
    await session.execute(delete(ProofPhoto).where(ProofPhoto.need_id == photo.need_id))
    session.add(photo)
    await session.flush()
    return photo


async def linked_to_holds_since(session: AsyncSession, since: datetime) -> Sequence[Any]:
    """Needs reserved or matched for a hold and changed since `since`, for the reconciler (no caller)."""
    statement = (
        select(Need.id, Need.state, Need.pending_reference, Need.matched_reference)
        .where(
            or_(
                (Need.state == NeedState.MATCHED.value) & Need.matched_reference.startswith("hold:"),
                (Need.state == NeedState.PENDING.value) & Need.pending_reference.startswith("hold:"),
            ),
            Need.updated_at >= since,
        )
        .order_by(Need.updated_at)
    )
    return (await session.execute(statement)).all()


async def with_parts_since(session: AsyncSession, since: datetime) -> Sequence[Any]:
    """Funding needs that still count parts (open, pending or matched) changed since `since`, for
    the reconciler (no caller)."""
    statement = (
        select(Need.id, Need.parts)
        .where(
            Need.kind == NeedKind.FUNDING.value,
            Need.state.in_((NeedState.OPEN.value, NeedState.PENDING.value, NeedState.MATCHED.value)),
            func.jsonb_array_length(Need.parts) > 0,
            Need.updated_at >= since,
        )
        .order_by(Need.updated_at)
    )
    return (await session.execute(statement)).all()


async def lock_for_reconcile(session: AsyncSession, need_id: uuid.UUID) -> Need | None:
    """A need locked for the link reconciler, a background job with no caller."""
    need: Need | None = await session.scalar(select(Need).where(Need.id == need_id).with_for_update())
    return need


async def case_state_of(session: AsyncSession, need: Need) -> str:
    """The state of the case of a need the caller has already read (in scope, or as a public wish)."""
    return str(await session.scalar(select(Case.state).where(Case.id == need.case_id)))


async def open_of_case(session: AsyncSession, principal: Principal, case_id: uuid.UUID) -> Sequence[Need]:
    """The needs of a case that are not yet met or ended (open, pending, matched), locked, oldest first."""
    live = (NeedState.OPEN.value, NeedState.PENDING.value, NeedState.MATCHED.value)
    statement = readable(
        select(Need).where(Need.case_id == case_id, Need.state.in_(live)).order_by(Need.created_at, Need.id),
        principal,
        Need,
    ).with_for_update()
    return (await session.scalars(statement)).all()
