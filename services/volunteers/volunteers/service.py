"""Volunteer registration, profile changes, verification and masked reads."""

import uuid

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.auth import Principal
from services.common.concurrency import check_version
from services.common.errors import Conflict, InvalidTransition, NotFound
from services.common.pagination import Page
from services.common.personal_data import (
    PersonalDataVault,
    mask_id_number,
    mask_name,
    mask_phone,
)
from services.common.settings import Settings
from services.volunteers.kit import record_change, record_personal_read, scope_of
from services.volunteers.models import Volunteer
from services.volunteers.scoping import owning_path
from services.volunteers.volunteers import auth
from services.volunteers.volunteers import repository as volunteer_repository
from services.volunteers.volunteers.schemas import (
    VerificationDecision,
    VolunteerCreate,
    VolunteerFilters,
    VolunteerOut,
    VolunteerUpdate,
)

PERSONAL_FIELDS = ["name", "phone", "id_number"]


def not_found(volunteer_id: uuid.UUID) -> NotFound:
    return NotFound(f"No volunteer {volunteer_id}.", f"未找到志愿者 {volunteer_id}。")


def present(volunteer: Volunteer, principal: Principal, vault: PersonalDataVault) -> VolunteerOut:
    """The record as this caller may see it (masking decided here, never in the gateway)."""
    unmasked = auth.may_see_personal_data(principal, volunteer)
    id_number = vault.decrypt(volunteer.id_number_encrypted)
    return VolunteerOut.model_validate(
        {
            "id": volunteer.id,
            "platform_id": volunteer.platform_id,
            "name": volunteer.name if unmasked else mask_name(volunteer.name),
            "phone": volunteer.phone if unmasked else mask_phone(volunteer.phone),
            "id_number": id_number if unmasked else mask_id_number(id_number),
            "personal_data_masked": not unmasked,
            "skills": volunteer.skills,
            "languages": volunteer.languages,
            "region": volunteer.region,
            "latitude": volunteer.latitude,
            "longitude": volunteer.longitude,
            "availability": volunteer.availability,
            "max_hours_per_week": volunteer.max_hours_per_week,
            "verification": volunteer.verification,
            "version": volunteer.version,
            "created_at": volunteer.created_at,
        }
    )


async def present_all(
    session: AsyncSession, principal: Principal, vault: PersonalDataVault, rows: list[Volunteer]
) -> list[VolunteerOut]:
    """Present rows and audit those returned unmasked."""
    items = [present(row, principal, vault) for row in rows]
    unmasked = [
        (str(row.id), scope_of(row)) for row, item in zip(rows, items, strict=True) if not item.personal_data_masked
    ]
    if unmasked:
        await record_personal_read(session, principal, "volunteer", unmasked, PERSONAL_FIELDS)
    return items


async def register(
    session: AsyncSession, principal: Principal, vault: PersonalDataVault, body: VolunteerCreate, settings: Settings
) -> VolunteerOut:
    """Register a volunteer at a platform; an ID number already registered is a conflict."""
    platform_path = owning_path(principal, settings, body.platform_id, body.region, body.platform_ticket)
    auth.require_register(principal, platform_path, body.region)
    id_hash = vault.keyed_hash(body.id_number)
    if await volunteer_repository.id_number_taken(session, id_hash):
        raise _duplicate()
    values = body.model_dump(mode="json", exclude={"id_number", "platform_id", "platform_ticket"})
    values.update(latitude=body.latitude, longitude=body.longitude)
    volunteer = Volunteer(
        **values,
        platform_id=body.platform_id,
        platform_path=platform_path,
        id_number_encrypted=vault.encrypt(body.id_number),
        id_number_hash=id_hash,
    )
    try:
        async with session.begin_nested():
            await volunteer_repository.add(session, volunteer)
    except IntegrityError as exc:  # a concurrent registration of the same ID number
        raise _duplicate() from exc
    await record_change(
        session,
        principal,
        action="registered",
        entity="volunteer",
        entity_id=volunteer.id,
        scope=scope_of(volunteer),
        event="volunteer.registered",
        payload={"platform_id": str(volunteer.platform_id), "region": volunteer.region},
    )
    return (await present_all(session, principal, vault, [volunteer]))[0]


def _duplicate() -> Conflict:
    return Conflict("A volunteer with this ID number is already registered.", "该身份证号码的志愿者已登记。")


async def get(
    session: AsyncSession, principal: Principal, vault: PersonalDataVault, volunteer_id: uuid.UUID
) -> VolunteerOut:
    volunteer = await volunteer_repository.get(session, principal, volunteer_id)
    if volunteer is None:
        raise not_found(volunteer_id)
    return (await present_all(session, principal, vault, [volunteer]))[0]


def _window(filters: VolunteerFilters) -> tuple[int, str, str] | None:
    """The weekly window asked for, when all three of its parts are."""
    if filters.weekday is None or not filters.start or not filters.end:
        return None
    return filters.weekday, filters.start, filters.end


async def search(
    session: AsyncSession,
    principal: Principal,
    vault: PersonalDataVault,
    filters: VolunteerFilters,
    cursor: str | None,
    limit: int,
) -> Page[VolunteerOut]:
    rows, next_cursor = await volunteer_repository.search(
        session,
        principal,
        cursor=cursor,
        limit=limit,
        **filters.model_dump(exclude={"weekday", "start", "end"}),
        available=_window(filters),
    )
    items = await present_all(session, principal, vault, list(rows))
    return Page[VolunteerOut](items=items, next_cursor=next_cursor)


async def batch(
    session: AsyncSession, principal: Principal, vault: PersonalDataVault, ids: list[uuid.UUID]
) -> list[VolunteerOut]:
    rows = await volunteer_repository.get_many(session, principal, ids)
    by_id = {row.id: row for row in rows}
    ordered = [by_id[volunteer_id] for volunteer_id in ids if volunteer_id in by_id]
    return await present_all(session, principal, vault, ordered)


NULLABLE_FIELDS = frozenset({"latitude", "longitude", "max_hours_per_week"})


async def update(
    session: AsyncSession,
    principal: Principal,
    vault: PersonalDataVault,
    volunteer_id: uuid.UUID,
    if_match: str | None,
    body: VolunteerUpdate,
) -> VolunteerOut:
    """Change profile fields of the version named by If-Match; the region only by managing staff."""
    volunteer = await volunteer_repository.get(session, principal, volunteer_id, lock=True)
    if volunteer is None:
        raise not_found(volunteer_id)
    auth.require_edit(principal, volunteer)
    changes = body.model_dump(mode="json", exclude_unset=True)
    changes = {k: v for k, v in changes.items() if v is not None or k in NULLABLE_FIELDS}
    if changes.get("region", volunteer.region) != volunteer.region:
        auth.require_region_change(principal, volunteer, changes["region"])
    check_version(if_match, volunteer.version)
    for field, value in changes.items():
        setattr(volunteer, field, getattr(body, field) if field in {"latitude", "longitude"} else value)
    volunteer.version += 1
    await session.flush()
    await session.refresh(volunteer)
    await record_change(
        session,
        principal,
        action="updated",
        entity="volunteer",
        entity_id=volunteer.id,
        scope=scope_of(volunteer),
        event="volunteer.updated",
        payload={"version": volunteer.version},
        fields=sorted(changes),
    )
    return (await present_all(session, principal, vault, [volunteer]))[0]


async def verify(
    session: AsyncSession,
    principal: Principal,
    vault: PersonalDataVault,
    volunteer_id: uuid.UUID,
    body: VerificationDecision,
) -> VolunteerOut:
    """Record the platform's verification decision (pending → verified / rejected)."""
    volunteer = await volunteer_repository.get(session, principal, volunteer_id, lock=True)
    if volunteer is None:
        raise not_found(volunteer_id)
    auth.require_manage(principal, volunteer)
    if volunteer.verification != "pending":
        raise InvalidTransition(
            f"Verification is already {volunteer.verification}.",
            f"该志愿者已完成认证审核（{volunteer.verification}）。",
        )
    volunteer.verification = body.decision
    volunteer.version += 1
    await session.flush()
    await session.refresh(volunteer)
    await record_change(
        session,
        principal,
        action=body.decision,
        entity="volunteer",
        entity_id=volunteer.id,
        scope=scope_of(volunteer),
        event=f"volunteer.{body.decision}",
        payload={"verification": body.decision},
    )
    return (await present_all(session, principal, vault, [volunteer]))[0]
