"""Small async factories for the case service's tables (keyword defaults, flushed, not committed)."""

import uuid
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.case.models import Case, Need, Platform, Project, Recipient, Staff
from services.common.personal_data import PersonalDataVault, id_check_character
from services.common.settings import DEV_PII_KEY

_vault = PersonalDataVault(DEV_PII_KEY)


def make_id_number(region: str = "150781", birth: date = date(1948, 3, 5), serial: int = 123) -> str:
    first17 = f"{region}{birth:%Y%m%d}{serial:03d}"
    return first17 + id_check_character(first17)


async def make_platform(
    session: AsyncSession,
    *,
    level: str = "station",
    parent: Platform | None = None,
    region_code: str = "150781001",
    name: str = "满洲里市东山街道社工站",
    service_model: str | None = "embedded",
) -> Platform:
    platform_id = uuid.uuid4()
    platform = Platform(
        id=platform_id,
        name=name,
        level=level,
        parent_id=parent.id if parent else None,
        path=f"{parent.path if parent else '/'}{platform_id}/",
        region_code=region_code,
        service_model=service_model if level == "station" else None,
    )
    session.add(platform)
    await session.flush()
    return platform


async def make_tree(session: AsyncSession, county: str = "150781") -> dict[str, Platform]:
    """A county centre, one station under it and one community room under the station."""
    centre = await make_platform(session, level="county_centre", region_code=county, name="满洲里市社工服务中心")
    station = await make_platform(session, parent=centre, region_code=county + "001")
    room = await make_platform(
        session, level="community_room", parent=station, region_code=county + "001001", name="东山社区社工室"
    )
    return {"centre": centre, "station": station, "room": room}


async def make_staff(session: AsyncSession, *, platform: Platform, **fields: Any) -> Staff:
    staff = Staff(platform_id=platform.id, **{"name": "李社工", "role": "resident_worker", **fields})
    session.add(staff)
    await session.flush()
    return staff


async def make_recipient(
    session: AsyncSession,
    *,
    platform: Platform,
    name: str = "王秀英",
    categories: list[str] | None = None,
    birth_date: date = date(1948, 3, 5),
    id_number: str | None = None,
    phone: str = "13812345678",
    address: str = "满洲里市东山街道幸福小区3号楼",
) -> Recipient:
    id_number = id_number or make_id_number(platform.region_code[:6], birth_date, serial=uuid.uuid4().int % 1000)
    recipient = Recipient(
        platform_id=platform.id,
        region_code=platform.region_code,
        name=name,
        gender="female",
        birth_date=birth_date,
        categories=categories or ["elderly", "empty_nest", "living_alone"],
        id_number_encrypted=_vault.encrypt(id_number),
        id_number_hash=_vault.keyed_hash(id_number),
        phone_encrypted=_vault.encrypt(phone),
        address_encrypted=_vault.encrypt(address),
        consent={"given_by": "本人", "given_at": "2026-01-05T00:00:00+00:00", "purpose": "服务与资源链接"},
    )
    session.add(recipient)
    await session.flush()
    return recipient


async def make_project(
    session: AsyncSession, *, platform: Platform, name: str = "空巢不空", is_brand: bool = True
) -> Project:
    project = Project(platform_id=platform.id, region_code=platform.region_code, name=name, is_brand=is_brand)
    session.add(project)
    await session.flush()
    return project


async def make_case(
    session: AsyncSession, *, recipient: Recipient, domain: str = "elderly", state: str = "intake", **fields: Any
) -> Case:
    summary = fields.pop("summary", "")
    case = Case(
        recipient_id=recipient.id,
        platform_id=recipient.platform_id,
        region_code=recipient.region_code,
        domain=domain,
        state=state,
        summary_encrypted=_vault.encrypt(summary) if summary else None,
        **fields,
    )
    session.add(case)
    await session.flush()
    return case


async def make_need(session: AsyncSession, *, case: Case, kind: str = "micro_wish", **fields: Any) -> Need:
    defaults: dict[str, Any] = {"title": "一台收音机", "published_by": "test"}
    if kind == "micro_wish":
        defaults.update(item_category="small_appliance", quantity=1)
    elif kind == "care":
        defaults.update(visits_per_month=4, visit_minutes=60, skills=["companionship"], languages=["mn"])
    else:
        defaults.update(amount="500.00")
    need = Need(
        kind=kind,
        case_id=case.id,
        recipient_id=case.recipient_id,
        platform_id=case.platform_id,
        region_code=case.region_code,
        **{**defaults, **fields},
    )
    session.add(need)
    await session.flush()
    return need
