"""What outsiders read of a need (its title, proof note, feedback) carries no personal data."""

import uuid
from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from services.case.recipients import repository as recipients
from services.common.auth import Principal
from services.common.personal_data import session_vault
from services.common.personal_text import ensure_no_personal_data, names_to_check


async def ensure_publishable(
    session: AsyncSession, principal: Principal, recipient_id: uuid.UUID, texts: Mapping[str, str | None]
) -> None:
    """Refuse (422 PERSONAL_DATA_IN_TEXT) a text with an ID number, a mobile number, or the
    recipient's (or guardian's) name or address; the first offending field is named."""
    if not any(texts.values()):
        return
    names: list[str] = []
    addresses: list[str] = []
    recipient = await recipients.get(session, principal, recipient_id)
    if recipient is not None:
        names = names_to_check(recipient.name, str(recipient.consent.get("given_by", "")))
        if recipient.address_encrypted:
            addresses = [session_vault(session).decrypt(recipient.address_encrypted)]
    for field, text in texts.items():
        ensure_no_personal_data(field, text, names=names, addresses=addresses)
