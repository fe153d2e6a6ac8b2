"""HTTP routes for recipients (服务对象)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from services.case.models import AuditEntry, IdempotencyRecord
from services.case.recipients import repository, service
from services.case.recipients.schemas import Recipient, RecipientCreate, RecipientUpdate
from services.case.recipients.views import PERSONAL_FIELDS, PERSONAL_FIELDS_PATTERN, selected_personal_fields
from services.case.scoping import count_readable, page_of, sees_personal_data
from services.case.totals import Before, CountedPage, WithTotal
from services.common.auth import CurrentPrincipal
from services.common.batch import BatchIds, parse_batch_ids
from services.common.concurrency import IfMatch, set_etag
from services.common.database import DbSession
from services.common.fields import StorableText
from services.common.idempotency import AuditedReplay, IdempotencyKey, run_idempotent
from services.common.pagination import Cursor, Page, PageSize
from services.common.personal_data import Vault
from services.common.regions import RegionPrefix
from services.common.vocabulary import RecipientCategory

router = APIRouter(prefix="/v1", tags=["recipients"])

PersonalFields = Annotated[
    str | None,
    Query(
        pattern=PERSONAL_FIELDS_PATTERN,
        max_length=200,
        description=(
            "The personal fields to show unmasked, comma-separated (`name,phone`; empty: none): only these"
            " are shown and audited, the others come as the masked view shows them. Absent: all of them."
        ),
    ),
]


@router.get("/recipients", response_model=CountedPage[Recipient])
async def list_recipients(
    principal: CurrentPrincipal,
    session: DbSession,
    vault: Vault,
    platform_id: uuid.UUID | None = None,
    region: Annotated[RegionPrefix | None, Query(description="Region-code prefix")] = None,
    category: RecipientCategory | None = None,
    name: Annotated[Annotated[str, StorableText(50)] | None, Query(description="Part of the name (staff only)")] = None,
    cursor: Cursor = None,
    limit: PageSize = 20,
    fields: PersonalFields = None,
    with_total: WithTotal = False,
    before: Before = None,
) -> CountedPage[Recipient]:
    """Recipients in the caller's scope, newest first; masked for civil-affairs admins."""
    asked = {
        "platform_id": platform_id,
        "region": region,
        "category": category,
        "name": name if sees_personal_data(principal) else None,
    }
    rows, next_cursor, previous_cursor = await page_of(
        repository.recipients, session, principal, cursor, before, limit, asked
    )
    total = await count_readable(repository.recipients, session, principal, **asked) if with_total else None
    shown = selected_personal_fields(fields)
    items = await service.present(session, principal, vault, rows, shown)
    return CountedPage(items=items, next_cursor=next_cursor, total=total, previous_cursor=previous_cursor)


@router.get("/recipients:batch", response_model=Page[Recipient])
async def batch_recipients(
    principal: CurrentPrincipal, session: DbSession, vault: Vault, ids: BatchIds, fields: PersonalFields = None
) -> Page[Recipient]:
    """Several recipients by id; unknown or unreadable ids are left out."""
    rows = await repository.get_many(session, principal, parse_batch_ids(ids))
    return Page(items=await service.present(session, principal, vault, rows, selected_personal_fields(fields)))


@router.get("/recipients/{recipient_id}", response_model=Recipient)
async def get_recipient(
    recipient_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: DbSession,
    vault: Vault,
    response: Response,
    fields: PersonalFields = None,
) -> Recipient:
    """One recipient; 404 outside the caller's scope. Unmasked reads are audited, naming the fields shown."""
    row = await service.get(session, principal, recipient_id)
    set_etag(response, row.version)
    return (await service.present(session, principal, vault, [row], selected_personal_fields(fields)))[0]


@router.post(
    "/recipients",
    status_code=201,
    response_model=Recipient,
    responses={409: {"description": "Already recorded; `existing` names the record"}},
)
async def create_recipient(
    data: RecipientCreate, principal: CurrentPrincipal, session: DbSession, vault: Vault, key: IdempotencyKey = None
) -> Response:
    """Record a recipient with their consent. The ID number is checked and stored encrypted."""

    async def create() -> Recipient:
        row = await service.create(session, principal, vault, data)
        return (await service.present(session, principal, vault, [row]))[0]

    replay = AuditedReplay(AuditEntry, "recipient", PERSONAL_FIELDS)
    return await run_idempotent(
        session, IdempotencyRecord, principal, key, "create_recipient", data, create, audit=replay
    )


@router.patch("/recipients/{recipient_id}", response_model=Recipient)
async def update_recipient(
    recipient_id: uuid.UUID,
    data: RecipientUpdate,
    principal: CurrentPrincipal,
    session: DbSession,
    vault: Vault,
    response: Response,
    if_match: IfMatch = None,
) -> Recipient:
    """Change contact data, categories, health notes or consent; send `If-Match`."""
    row = await service.update(session, principal, vault, recipient_id, data, if_match)
    set_etag(response, row.version)
    return (await service.present(session, principal, vault, [row]))[0]
