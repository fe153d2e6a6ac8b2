"""A case's summary at rest: encrypted with the personal-data vault, NULL when there is none.

The summary is a staff note that names the person, their family or their illness, so a database
backup alone must not show it (docs/security.md); `wushe rotate-pii-key` re-encrypts the column
by its name (`*_encrypted`).
"""

from sqlalchemy.ext.asyncio import AsyncSession

from services.case.models import Case
from services.common.personal_data import session_vault


def seal(session: AsyncSession, summary: str | None) -> str | None:
    """The value to store for `summary` (None for an empty one)."""
    return session_vault(session).encrypt(summary) if summary else None


def read(session: AsyncSession, row: Case) -> str:
    """The row's summary in clear ("" when there is none)."""
    return session_vault(session).decrypt(row.summary_encrypted) if row.summary_encrypted else ""
