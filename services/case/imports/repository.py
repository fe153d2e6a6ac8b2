"""Queries the micro-wish import needs: recipients by ID-number hash, their active cases, open wishes.

Each is one statement for the whole sheet, and each goes through the caller's scope.
"""

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.case.models import Case, Need, Platform, Recipient
from services.case.scoping import readable
from services.common.auth import Principal
from services.common.vocabulary import CaseState, NeedKind, NeedState

LIVE_NEED_STATES = (NeedState.OPEN.value, NeedState.PENDING.value, NeedState.MATCHED.value)


async def recipients_by_id_hash(
    session: AsyncSession, principal: Principal, platform: Platform, hashes: list[str]
) -> Sequence[Recipient]:
    """Recipients of `platform` and the platforms below it, among the given ID-number hashes."""
    subtree = select(Platform.id).where(Platform.path.startswith(platform.path))
    statement = select(Recipient).where(Recipient.id_number_hash.in_(hashes), Recipient.platform_id.in_(subtree))
    return (await session.scalars(readable(statement, principal, Recipient))).all()


async def active_cases(session: AsyncSession, principal: Principal, recipient_ids: list[uuid.UUID]) -> Sequence[Case]:
    """Cases a need may be published from (after intake, before closing), newest first."""
    statement = (
        select(Case)
        .where(
            Case.recipient_id.in_(recipient_ids), Case.state.not_in((CaseState.INTAKE.value, CaseState.CLOSED.value))
        )
        .order_by(Case.opened_at.desc(), Case.id)
    )
    return (await session.scalars(readable(statement, principal, Case))).all()


async def live_wishes(
    session: AsyncSession, principal: Principal, recipient_ids: list[uuid.UUID]
) -> Sequence[tuple[uuid.UUID, str]]:
    """(recipient id, title) of micro-wishes still open, reserved or matched."""
    statement = select(Need).where(
        Need.recipient_id.in_(recipient_ids), Need.kind == NeedKind.MICRO_WISH.value, Need.state.in_(LIVE_NEED_STATES)
    )
    return [(need.recipient_id, need.title) for need in await session.scalars(readable(statement, principal, Need))]
