"""A project's wish list as an .xlsx workbook, built from the API's own views.

Rows come from the same scoped repository reads and presenters as `GET /v1/needs` and
`GET /v1/recipients:batch`, so the workbook masks exactly what the API masks for this caller
(civil-affairs admins get 王**, 150***********1234) and unmasked reads are audited the same way.
"""

import uuid
from collections import Counter
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.case.imports.sheets import write_xlsx
from services.case.needs import repository as need_repository
from services.case.needs.schemas import Need
from services.case.projects import service as projects
from services.case.recipients import repository as recipient_repository
from services.case.recipients import service as recipients
from services.case.recipients.schemas import Recipient
from services.case.scoping import sees_personal_data
from services.common.auth import Principal
from services.common.clock import beijing_text, clock
from services.common.personal_data import PersonalDataVault
from services.common.regions import region_name
from services.common.vocabulary import ItemCategory, NeedKind, NeedState, RecipientCategory

WISH_HEADERS = [
    "需求编号",
    "类型",
    "心愿",
    "物品类别",
    "数量",
    "估价(元)",
    "资助金额(元)",
    "状态",
    "截止时间(北京时间)",
    "发布时间(北京时间)",
    "实现时间(北京时间)",
    "服务对象",
    "性别",
    "年龄",
    "类别",
    "身份证号码",
    "联系电话",
    "住址",
    "行政区划代码",
    "受助人反馈",
]
SUMMARY_HEADERS = ["状态", "需求数", "估价合计(元)"]


async def _all_needs(session: AsyncSession, principal: Principal, project_id: uuid.UUID) -> list[Need]:
    needs: list[Need] = []
    cursor: str | None = None
    while True:
        rows, cursor = await need_repository.search(session, principal, cursor=cursor, limit=100, project_id=project_id)
        needs += [Need.model_validate(row) for row in rows]
        if cursor is None:
            return needs


async def _recipients(
    session: AsyncSession, principal: Principal, vault: PersonalDataVault, ids: list[uuid.UUID]
) -> dict[uuid.UUID, Recipient]:
    found: dict[uuid.UUID, Recipient] = {}
    for start in range(0, len(ids), 100):
        rows = await recipient_repository.get_many(session, principal, ids[start : start + 100])
        found.update({r.id: r for r in await recipients.present(session, principal, vault, rows)})
    return found


def _wish_row(need: Need, person: Recipient | None) -> list[Any]:
    categories = "、".join(RecipientCategory(c).label for c in person.categories) if person else ""
    return [
        str(need.id),
        NeedKind(need.kind).label,
        need.title,
        ItemCategory(need.item_category).label if need.item_category else "",
        need.quantity,
        float(need.estimated_value) if need.estimated_value is not None else None,
        float(need.amount) if need.amount is not None else None,
        NeedState(need.state).label,
        beijing_text(need.deadline),
        beijing_text(need.created_at),
        beijing_text(need.fulfilled_at),
        person.name if person else "",
        person.gender.label if person else "",
        person.age if person else None,
        categories,
        person.id_number if person else "",
        (person.phone or "") if person else "",
        person.address if person else "",
        need.region_code,
        need.feedback or "",
    ]


async def wish_list(
    session: AsyncSession, principal: Principal, vault: PersonalDataVault, project_id: uuid.UUID
) -> tuple[bytes, str]:
    """(.xlsx bytes, file name) of every need of the project the caller may read."""
    project = await projects.get(session, principal, project_id)
    needs = await _all_needs(session, principal, project_id)
    people = await _recipients(session, principal, vault, sorted({n.recipient_id for n in needs}))
    rows = [_wish_row(need, people.get(need.recipient_id)) for need in needs]
    states = Counter(n.state for n in needs)
    values: dict[str, Decimal] = {}
    for need in needs:
        values[need.state] = values.get(need.state, Decimal(0)) + (need.estimated_value or need.amount or Decimal(0))
    summary = [[NeedState(s).label, states[s], float(values[s])] for s in NeedState if states[s]]
    summary.append(["合计", len(needs), float(sum(values.values(), Decimal(0)))])
    masked = not sees_personal_data(principal)
    about = [
        ["项目", project.name],
        ["品牌项目", "是" if project.is_brand else "否"],
        ["行政区划", f"{project.region_code} {region_name(project.region_code[:6]) or ''}".strip()],
        ["导出时间", f"{beijing_text(clock.now(), seconds=True)}（北京时间）"],
        ["导出角色", principal.role.label],
        ["个人信息", "已按接口规则脱敏" if masked else "未脱敏（本平台工作人员），已记录审计日志，请妥善保管"],
    ]
    content = write_xlsx(
        [("心愿清单", WISH_HEADERS, rows), ("汇总", SUMMARY_HEADERS, summary), ("说明", ["项", "内容"], about)]
    )
    return content, f"心愿清单-{project.name}.xlsx"
