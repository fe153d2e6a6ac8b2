"""The hours ledger: totals, star levels, manual corrections and the service record."""

import uuid
from html import escape

from sqlalchemy.ext.asyncio import AsyncSession

from services.common.auth import Principal
from services.common.clock import beijing, beijing_text, clock
from services.common.pagination import Page
from services.common.personal_data import PersonalDataVault
from services.volunteers.hours import repository as hours_repository
from services.volunteers.hours.schemas import (
    HoursCorrection,
    HoursEntryOut,
    HoursSummary,
    ServiceRecord,
    minutes_as_hours,
)
from services.volunteers.hours.star_levels import minutes_to_next_level, star_level
from services.volunteers.kit import record_change, scope_of
from services.volunteers.models import HoursEntry, Volunteer
from services.volunteers.volunteers import auth as volunteer_auth
from services.volunteers.volunteers import repository as volunteer_repository
from services.volunteers.volunteers import service as volunteer_service


async def _readable_volunteer(
    session: AsyncSession, principal: Principal, volunteer_id: uuid.UUID, lock: bool = False
) -> Volunteer:
    volunteer = await volunteer_repository.get(session, principal, volunteer_id, lock=lock)
    if volunteer is None:
        raise volunteer_service.not_found(volunteer_id)
    return volunteer


async def summary(session: AsyncSession, principal: Principal, volunteer_id: uuid.UUID) -> HoursSummary:
    """Total recorded minutes (exact), hours and the star level they earn."""
    await _readable_volunteer(session, principal, volunteer_id)
    by_kind = await hours_repository.totals_readable(session, principal, volunteer_id)
    total = sum(by_kind.values())
    return HoursSummary(
        volunteer_id=volunteer_id,
        total_minutes=total,
        total_hours=minutes_as_hours(total),
        minutes_by_kind=by_kind,
        pending_minutes=await hours_repository.pending_minutes_readable(session, principal, volunteer_id),
        star_level=star_level(total),
        minutes_to_next_level=minutes_to_next_level(total),
    )


async def ledger(
    session: AsyncSession,
    principal: Principal,
    volunteer_id: uuid.UUID,
    cursor: str | None,
    limit: int,
) -> Page[HoursEntryOut]:
    await _readable_volunteer(session, principal, volunteer_id)
    rows, next_cursor = await hours_repository.search(
        session, principal, cursor=cursor, limit=limit, volunteer_id=volunteer_id
    )
    return Page[HoursEntryOut](items=[HoursEntryOut.model_validate(r) for r in rows], next_cursor=next_cursor)


async def batch_entries(session: AsyncSession, principal: Principal, ids: list[uuid.UUID]) -> list[HoursEntryOut]:
    rows = {r.id: r for r in await hours_repository.hours.get_many(session, principal, ids)}
    return [HoursEntryOut.model_validate(rows[i]) for i in ids if i in rows]


async def correct(
    session: AsyncSession, principal: Principal, volunteer_id: uuid.UUID, body: HoursCorrection
) -> HoursEntryOut:
    """Staff who manage the volunteer add a manual correction with its reason."""
    volunteer = await _readable_volunteer(session, principal, volunteer_id, lock=True)
    volunteer_auth.require_manage(principal, volunteer)
    entry = HoursEntry(
        volunteer_id=volunteer.id,
        kind="correction",
        minutes=body.minutes,
        reason=body.reason,
        recorded_by=principal.subject,
    )
    await hours_repository.add(session, entry)
    await record_change(
        session,
        principal,
        action="corrected",
        entity="hours_entry",
        entity_id=entry.id,
        scope=scope_of(volunteer),
        event="hours.corrected",
        payload={"volunteer_id": volunteer.id, "kind": "correction", "minutes": body.minutes},
    )
    return HoursEntryOut.model_validate(entry)


async def service_record(
    session: AsyncSession, principal: Principal, vault: PersonalDataVault, volunteer_id: uuid.UUID
) -> ServiceRecord:
    """The volunteer's whole record; the name is masked as on every other read."""
    volunteer = await volunteer_service.get(session, principal, vault, volunteer_id)
    entries = await hours_repository.all_readable(session, principal, volunteer_id)
    return ServiceRecord(
        volunteer_id=volunteer.id,
        name=volunteer.name,
        region=volunteer.region,
        platform_id=volunteer.platform_id,
        summary=await summary(session, principal, volunteer_id),
        entries=[HoursEntryOut.model_validate(e) for e in entries],
        issued_at=clock.now(),
    )


KIND_LABELS = {"activity": "志愿活动", "care_visit": "关爱探访", "correction": "人工更正"}


def render_certificate(record: ServiceRecord) -> str:
    """A printable page (志愿服务记录证明); all text is escaped."""
    rows = "\n".join(
        f"<tr><td>{beijing(e.created_at):%Y-%m-%d}</td><td>{KIND_LABELS.get(e.kind.value, e.kind.value)}</td>"
        f"<td>{e.hours}</td><td>{escape(e.reason or '')}</td></tr>"
        for e in record.entries
    )
    stars = "★" * record.summary.star_level or "—"
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>志愿服务记录证明</title>
<style>body{{font-family:serif;max-width:48em;margin:2em auto}}
table{{width:100%;border-collapse:collapse}}
td,th{{border:1px solid #444;padding:.3em}}@media print{{button{{display:none}}}}</style></head>
<body><h1>志愿服务记录证明</h1>
<p>志愿者：{escape(record.name)}（编号 {record.volunteer_id}）</p>
<p>所属区域：{escape(record.region)}</p>
<p>累计志愿服务时长：<strong>{record.summary.total_hours}</strong> 小时
（{record.summary.total_minutes} 分钟）；星级：{stars}</p>
<table><thead><tr><th>日期</th><th>类别</th><th>时长（小时）</th><th>说明</th></tr></thead>
<tbody>
{rows}
</tbody></table>
<p>出具时间：{beijing_text(record.issued_at)}（北京时间）</p></body></html>
"""
