"""Cases as the caller may see them; a summary shown is the read of personal data it is.

The summary is a staff note in free text that may name the person, their family or their
illness: staff of the platform see it (civil-affairs admins never do), and each response that
shows a non-empty one leaves an audit row naming the field "summary". It is stored encrypted
(`summaries`) and decrypted only here, for a caller it is shown to.
"""

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from services.case.cases import summaries
from services.case.cases.schemas import Case
from services.case.cases.service import case_view
from services.case.kit import record_personal_read, scoped_ids
from services.case.models import Case as CaseRow
from services.case.scoping import sees_personal_data
from services.common.auth import Principal

PERSONAL_FIELDS = ["summary"]
# A `fields` query parameter: "summary", or "" for no personal field.
PERSONAL_FIELDS_PATTERN = "^(summary)?$"


def selected_personal_fields(fields: str | None) -> list[str]:
    """The personal fields a `fields` parameter asks for; all when absent."""
    return list(PERSONAL_FIELDS) if fields is None else [f for f in PERSONAL_FIELDS if f == fields]


async def present(
    session: AsyncSession, principal: Principal, rows: Sequence[CaseRow], fields: Sequence[str] = PERSONAL_FIELDS
) -> list[Case]:
    """Views for the caller, the summary only when `fields` names it; its reads audited in the
    caller's transaction, one row per case whose summary was shown."""
    shown = sees_personal_data(principal) and "summary" in fields
    read = [row for row in rows if shown and row.summary_encrypted]
    if read:
        await record_personal_read(session, principal, "case", await scoped_ids(session, read), ["summary"])
    views = [case_view(row, principal) for row in rows]
    if not shown:
        return views
    return [
        view.model_copy(update={"summary": summaries.read(session, row)}) for view, row in zip(views, rows, strict=True)
    ]
