"""Small async factories that write rows straight into the database (committed)."""

import itertools
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from services.common.database import Database
from services.common.personal_data import PersonalDataVault, id_check_character
from services.common.settings import Settings
from services.volunteers.models import Activity, CareAssignment, HoursEntry, Volunteer

_serial = itertools.count(1)


def new_id_number() -> str:
    """A fresh, valid 18-character ID number (real birth date, right check character)."""
    n = next(_serial) + uuid.uuid4().int % 10_000_000
    birth = date(1960, 1, 1) + timedelta(days=(n // 1000) % 15000)
    first17 = f"150781{birth:%Y%m%d}{n % 1000:03d}"
    return first17 + id_check_character(first17)


def in_days(days: float, hour: int = 9) -> datetime:
    base = datetime.now(UTC).replace(hour=hour, minute=0, second=0, microsecond=0)
    return base + timedelta(days=days)


async def make_volunteer(
    db: Database,
    settings: Settings,
    *,
    platform_id: uuid.UUID,
    region: str = "150781001",
    name: str = "王小明",
    phone: str = "13812345678",
    skills: Sequence[str] = ("companionship",),
    languages: Sequence[str] = ("zh",),
    availability: list[dict[str, Any]] | None = None,
    max_hours_per_week: int | None = None,
    platform_path: str | None = None,
) -> Volunteer:
    vault = PersonalDataVault(settings.pii_key)
    id_number = new_id_number()
    volunteer = Volunteer(
        platform_id=platform_id,
        platform_path=platform_path or f"/{platform_id}/",
        name=name,
        phone=phone,
        id_number_encrypted=vault.encrypt(id_number),
        id_number_hash=vault.keyed_hash(id_number),
        skills=list(skills),
        languages=list(languages),
        region=region,
        availability=availability or [],
        max_hours_per_week=max_hours_per_week,
        verification="verified",
    )
    return await _save(db, volunteer)


async def make_activity(
    db: Database,
    *,
    platform_id: uuid.UUID | None,
    region: str = "150781001",
    starts_at: datetime | None = None,
    hours: float = 2,
    capacity: int = 20,
    required_skills: Sequence[str] = (),
    is_public: bool = False,
    org_id: uuid.UUID | None = None,
    state: str = "scheduled",
) -> Activity:
    starts_at = starts_at or in_days(1)
    activity = Activity(
        title="敬老院陪伴",
        organiser_kind="platform" if platform_id else "organisation",
        platform_id=platform_id,
        platform_path=f"/{platform_id}/" if platform_id else "",
        org_id=org_id,
        place="满洲里市敬老院",
        region=region,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours),
        capacity=capacity,
        required_skills=list(required_skills),
        is_public=is_public,
        state=state,
        confirmed_count=0,
        last_sequence=0,
    )
    return await _save(db, activity)


async def make_assignment(
    db: Database,
    settings: Settings,
    *,
    volunteer: Volunteer,
    platform_id: uuid.UUID,
    weekday: int = 2,
    start: str = "15:00",
    duration_minutes: int = 60,
    address: str = "满洲里市北区三道街12号",
    state: str = "active",
) -> CareAssignment:
    assignment = CareAssignment(
        volunteer_id=volunteer.id,
        need_id=uuid.uuid4(),
        platform_id=platform_id,
        platform_path=f"/{platform_id}/",
        region=volunteer.region,
        schedule={
            "frequency": "weekly",
            "weekday": weekday,
            "start": start,
            "duration_minutes": duration_minutes,
        },
        starts_on=date.today() - timedelta(days=7),
        state=state,
        address_encrypted=PersonalDataVault(settings.pii_key).encrypt(address),
    )
    return await _save(db, assignment)


async def add_correction(db: Database, volunteer: Volunteer, minutes: int) -> HoursEntry:
    entry = HoursEntry(
        volunteer_id=volunteer.id,
        kind="correction",
        minutes=minutes,
        reason="导入历史时长",
        recorded_by="factory",
    )
    return await _save(db, entry)


async def _save(db: Database, row: Any) -> Any:
    async with db.sessions() as session:
        session.add(row)
        await session.commit()
        await session.refresh(row)
    return row
