"""Business rules for recipients: one record per person, masked unless the caller may see it."""

import uuid
from collections.abc import Sequence

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.case.kit import record_change, record_personal_read, scope_of, scoped_ids
from services.case.models import Recipient as RecipientRow
from services.case.platforms import repository as platform_repository
from services.case.platforms import service as platforms
from services.case.recipients import repository
from services.case.recipients.schemas import Recipient, RecipientCreate, RecipientUpdate
from services.case.recipients.views import PERSONAL_FIELDS, recipient_view
from services.case.scoping import can_write, sees_personal_data
from services.common.auth import Principal
from services.common.concurrency import check_version
from services.common.errors import BadInput, Conflict, Forbidden, NotFound
from services.common.personal_data import PersonalDataVault, mask_name
from services.common.regions import county_of, covers


def not_found() -> NotFound:
    return NotFound("Recipient not found.", "未找到该服务对象。")


def ensure_writer(principal: Principal) -> None:
    if not can_write(principal):
        raise Forbidden("Only platform staff record recipients.", "只有社工平台工作人员可以登记服务对象。")


async def present(
    session: AsyncSession,
    principal: Principal,
    vault: PersonalDataVault,
    rows: Sequence[RecipientRow],
    fields: Sequence[str] = PERSONAL_FIELDS,
) -> list[Recipient]:
    """Views for the caller, with only `fields` of the personal fields unmasked; every unmasked read
    is audited in the same transaction, naming exactly those fields (none shown: no audit row)."""
    unmasked = sees_personal_data(principal)
    if unmasked and fields and rows:
        await record_personal_read(session, principal, "recipient", await scoped_ids(session, rows), list(fields))
    return [recipient_view(row, vault, unmasked=unmasked, fields=fields) for row in rows]


async def get(session: AsyncSession, principal: Principal, recipient_id: uuid.UUID) -> RecipientRow:
    row = await repository.get(session, principal, recipient_id)
    if row is None:
        raise not_found()
    return row


async def create(
    session: AsyncSession, principal: Principal, vault: PersonalDataVault, data: RecipientCreate
) -> RecipientRow:
    """Record a person once: a second record with the same ID number is a 409 naming the first."""
    ensure_writer(principal)
    platform = await platforms.writable(session, principal, data.platform_id)
    if not covers(county_of(platform.region_code), data.region_code):
        raise BadInput(
            "The recipient's region must lie in the platform's county.", "服务对象的行政区划须在平台所在旗县(市区)内。"
        )
    id_hash = vault.keyed_hash(data.id_number)
    existing = await repository.find_by_id_hash(session, id_hash)
    if existing is not None:
        raise await _duplicate(session, principal, existing)
    row = RecipientRow(
        platform_id=platform.id,
        region_code=data.region_code,
        name=data.name,
        gender=data.gender.value,
        birth_date=data.birth_date,
        categories=sorted({c.value for c in data.categories}),
        disability_grade=data.disability_grade,
        id_number_encrypted=vault.encrypt(data.id_number),
        id_number_hash=id_hash,
        phone_encrypted=vault.encrypt(data.phone) if data.phone else None,
        address_encrypted=vault.encrypt(data.address) if data.address else None,
        health_notes_encrypted=vault.encrypt(data.health_notes) if data.health_notes else None,
        latitude=data.location.latitude if data.location else None,
        longitude=data.location.longitude if data.location else None,
        consent=data.consent.model_dump(mode="json"),
    )
    try:
        async with session.begin_nested():
            await repository.add(session, row)
    except IntegrityError:
        # Another request recorded the same person between our check and our insert.
        existing = await repository.find_by_id_hash(session, id_hash)
        raise await _duplicate(session, principal, existing) from None
    await record_change(
        session,
        principal,
        action="create",
        entity="recipient",
        entity_id=row.id,
        scope=await scope_of(session, row),
        event="recipient.registered",
        payload={"platform_id": row.platform_id, "categories": row.categories},
        fields=PERSONAL_FIELDS,
    )
    return row


class RecipientAlreadyRecorded(Conflict):
    """409: this ID number is recorded already (in the caller's scope: `existing` names the record)."""

    code = "RECIPIENT_ALREADY_RECORDED"


class RecipientRecordedElsewhere(Conflict):
    """409: another platform recorded this person; `registered_by` says whom to contact."""

    code = "RECIPIENT_RECORDED_ELSEWHERE"


async def _duplicate(session: AsyncSession, principal: Principal, existing: RecipientRow | None) -> Conflict:
    """Within the caller's scope: which record it is. Outside it: only whom to contact, no ids and no
    name, so the check is no oracle of who is registered as a vulnerable person where."""
    if existing is None:
        return RecipientAlreadyRecorded(
            "A recipient with this ID number is already recorded.", "该身份证号码的服务对象已登记。"
        )
    if await repository.get(session, principal, existing.id) is not None:
        return RecipientAlreadyRecorded(
            "A recipient with this ID number is already recorded.",
            "该身份证号码的服务对象已登记。",
            existing={"id": str(existing.id), "name": mask_name(existing.name)},
        )
    name, phone = await platform_repository.contact_of(session, existing.platform_id)
    return RecipientRecordedElsewhere(
        f"This person is already recorded by another platform ({name}); contact it to transfer the record.",
        f"该服务对象已由其他平台（{name}）登记，请与其联系办理转移。",
        registered_by={"platform_name": name, "phone": phone},
    )


async def update(
    session: AsyncSession,
    principal: Principal,
    vault: PersonalDataVault,
    recipient_id: uuid.UUID,
    data: RecipientUpdate,
    if_match: str | None,
) -> RecipientRow:
    row = await repository.get(session, principal, recipient_id, lock=True)
    if row is None:
        raise not_found()  # out of scope: 404 for every role, before asking whether it may write
    ensure_writer(principal)
    check_version(if_match, row.version)
    changes = data.model_dump(exclude_unset=True)
    encrypted = {"phone": "phone_encrypted", "address": "address_encrypted", "health_notes": "health_notes_encrypted"}
    for field, value in changes.items():
        if field in encrypted:
            setattr(row, encrypted[field], vault.encrypt(value) if value else None)
        elif field == "categories":
            row.categories = sorted({c.value for c in data.categories or []})
        elif field == "location":
            row.latitude = data.location.latitude if data.location else None
            row.longitude = data.location.longitude if data.location else None
        elif field == "consent":
            row.consent = data.consent.model_dump(mode="json") if data.consent else row.consent
        else:
            setattr(row, field, value)
    row.version += 1
    await session.flush()
    await record_change(
        session,
        principal,
        action="update",
        entity="recipient",
        entity_id=row.id,
        scope=await scope_of(session, row),
        fields=sorted(changes),
    )
    return row
