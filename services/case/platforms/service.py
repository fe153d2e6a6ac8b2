"""Business rules for platforms and staff: the three-level tree and who may grow it."""

import uuid
from collections.abc import Sequence

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.case.kit import platform_scope, record_change
from services.case.models import Platform, Staff
from services.case.platforms import auth, repository
from services.case.platforms.schemas import PlatformCreate, PlatformUpdate, StaffCreate, StaffUpdate
from services.case.scoping import PLATFORM_ROLES
from services.common.auth import Principal
from services.common.concurrency import check_version
from services.common.errors import BadInput, Conflict, Forbidden, NotFound
from services.common.personal_data import PersonalDataVault
from services.common.regions import covers
from services.common.settings import Settings
from services.common.tickets import PlatformTicket, seal
from services.common.vocabulary import PlatformLevel


class StaffAlreadyRecorded(Conflict):
    code = "STAFF_ALREADY_RECORDED"


def _not_found() -> NotFound:
    return NotFound("Platform not found.", "未找到该社工服务平台。")


async def get(session: AsyncSession, principal: Principal, platform_id: uuid.UUID) -> Platform:
    platform = await repository.get(session, principal, platform_id)
    if platform is None:
        raise _not_found()
    return platform


async def writable(session: AsyncSession, principal: Principal, platform_id: uuid.UUID) -> Platform:
    """A platform the caller may change: in their own subtree (staff) or region (admins)."""
    platform = await repository.get(session, principal, platform_id, lock=True)
    if platform is None:
        raise _not_found()
    if principal.role in PLATFORM_ROLES:
        own = (
            await repository.get(session, principal, principal.platform_id)
            if principal.platform_id is not None
            else None
        )
        if own is None or not platform.path.startswith(own.path):
            raise Forbidden("This platform is above yours.", "该平台在您所属平台之上，无权修改。")
    auth.ensure_may_change(principal, platform)
    return platform


async def create(session: AsyncSession, principal: Principal, data: PlatformCreate) -> Platform:
    """Add a platform under a parent of the level above (a county centre has none)."""
    auth.ensure_may_create(principal, data.level)
    if principal.region and not covers(principal.region, data.region_code):
        raise Forbidden("The region is outside your scope.", "该行政区划不在您的管辖范围内。")
    expected_parent = auth.PARENT_LEVEL[data.level]
    parent: Platform | None = None
    if expected_parent is None:
        if data.parent_id is not None:
            raise BadInput("A county centre has no parent.", "旗县(市区)社工服务中心没有上级平台。")
    else:
        if data.parent_id is None:
            raise BadInput(f"A {data.level.value} needs a parent.", f"{data.level.label}须指定上级平台。")
        parent = await writable(session, principal, data.parent_id)
        if parent.level != expected_parent:
            raise BadInput(
                f"The parent of a {data.level.value} must be a {expected_parent.value}.",
                f"{data.level.label}的上级须为{expected_parent.label}。",
            )
        if not covers(parent.region_code, data.region_code):
            raise BadInput("The region must lie within the parent's region.", "行政区划须在上级平台辖区之内。")
    if data.level != PlatformLevel.STATION and data.service_model is not None:
        raise BadInput("Only stations have a service model.", "只有社工站有服务模式。")
    platform_id = uuid.uuid4()
    platform = Platform(
        id=platform_id,
        name=data.name,
        level=data.level.value,
        parent_id=data.parent_id,
        path=f"{parent.path if parent else '/'}{platform_id}/",
        region_code=data.region_code,
        service_model=data.service_model.value if data.service_model else None,
        address=data.address,
        phone=data.phone,
    )
    await repository.add_platform(session, platform)
    await record_change(
        session,
        principal,
        action="create",
        entity="platform",
        entity_id=platform.id,
        scope=platform_scope(platform),
        event="platform.created",
        payload={"level": platform.level, "region_code": platform.region_code},
    )
    return platform


async def update(
    session: AsyncSession, principal: Principal, platform_id: uuid.UUID, data: PlatformUpdate, if_match: str | None
) -> Platform:
    platform = await writable(session, principal, platform_id)
    check_version(if_match, platform.version)
    changes = data.model_dump(exclude_unset=True)
    if "service_model" in changes and platform.level != PlatformLevel.STATION:
        raise BadInput("Only stations have a service model.", "只有社工站有服务模式。")
    for field, value in changes.items():
        setattr(platform, field, value.value if hasattr(value, "value") else value)
    platform.version += 1
    await session.flush()
    await record_change(
        session,
        principal,
        action="update",
        entity="platform",
        entity_id=platform.id,
        scope=platform_scope(platform),
        fields=list(changes),
    )
    return platform


def phone_key(phone: str) -> str:
    """A phone as the dedupe hash reads it: digits only, without a +86 prefix."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    return "phone:" + (digits[2:] if digits.startswith("86") and len(digits) == 13 else digits)


async def add_staff(
    session: AsyncSession, principal: Principal, vault: PersonalDataVault, platform_id: uuid.UUID, data: StaffCreate
) -> Staff:
    """Add a post at a platform; the same person (ID number or phone) at the same platform is a
    409 `STAFF_ALREADY_RECORDED` naming the record, whoever added it first."""
    auth.ensure_may_manage_staff(principal)
    platform = await writable(session, principal, platform_id)
    if data.subject and await repository.staff_subject_taken(session, data.subject):
        raise Conflict("A staff member already has this subject.", "该账号已绑定其他工作人员。")
    id_hash = vault.keyed_hash(data.id_number) if data.id_number else None
    phone_hash = vault.keyed_hash(phone_key(data.phone)) if data.phone else None
    existing = await repository.same_person_at(session, platform.id, id_hash, phone_hash)
    if existing is not None:
        raise StaffAlreadyRecorded(
            "This person is already recorded at this platform.",
            "该人员已登记在本平台，请勿重复添加。",
            staff_id=str(existing),
        )
    staff = Staff(
        platform_id=platform.id,
        name=data.name,
        role=data.role.value,
        specialty=data.specialty.value if data.specialty else None,
        certification=data.certification.value,
        subject=data.subject,
        id_number_encrypted=vault.encrypt(data.id_number) if data.id_number else None,
        id_number_hash=id_hash,
        phone_encrypted=vault.encrypt(data.phone) if data.phone else None,
        phone_hash=phone_hash,
    )
    try:
        async with session.begin_nested():
            await repository.add_staff(session, staff)
    except IntegrityError as exc:  # the same person added concurrently
        raise StaffAlreadyRecorded(
            "This person is already recorded at this platform.", "该人员已登记在本平台，请勿重复添加。"
        ) from exc
    await record_change(
        session, principal, action="create", entity="staff", entity_id=staff.id, scope=platform_scope(platform)
    )
    return staff


async def update_staff(
    session: AsyncSession, principal: Principal, staff_id: uuid.UUID, data: StaffUpdate, if_match: str | None
) -> Staff:
    auth.ensure_may_manage_staff(principal)
    found = await repository.get_staff(session, principal, [staff_id])
    if not found:
        raise NotFound("Staff member not found.", "未找到该工作人员。")
    staff = found[0]
    platform = await writable(session, principal, staff.platform_id)
    check_version(if_match, staff.version)
    changes = data.model_dump(exclude_unset=True)
    for field, value in changes.items():
        setattr(staff, field, value.value if hasattr(value, "value") else value)
    staff.version += 1
    await session.flush()
    await record_change(
        session,
        principal,
        action="update",
        entity="staff",
        entity_id=staff.id,
        scope=platform_scope(platform),
        fields=list(changes),
    )
    return staff


async def list_staff(session: AsyncSession, principal: Principal, platform_id: uuid.UUID) -> Sequence[Staff]:
    await get(session, principal, platform_id)
    return await repository.list_staff(session, principal, platform_id)


async def ticket_for(session: AsyncSession, principal: Principal, platform_id: uuid.UUID, settings: Settings) -> str:
    """A sealed ticket naming a platform's path and region, for rows the volunteers service writes
    for it: staff of a platform at or above it, inside their region (a station may read its centre
    but not write for it: 403)."""
    platform = await get(session, principal, platform_id)
    own = await repository.get(session, principal, principal.platform_id) if principal.platform_id else None
    in_subtree = own is not None and platform.path.startswith(own.path)
    in_region = not principal.region or covers(principal.region, platform.region_code)
    if principal.role not in PLATFORM_ROLES or not (in_subtree and in_region):
        raise Forbidden(
            "Only staff of this platform or one above it may act for it.",
            "只有该平台或其上级平台的工作人员可以代其办理。",
        )
    ticket = PlatformTicket(platform.id, platform.path, platform.region_code, principal.subject)
    return seal(ticket, settings)
