"""Printable donation receipts (捐赠收据): number, Beijing time, donor, amount in figures and capitals."""

import uuid
from decimal import Decimal
from html import escape

from sqlalchemy.ext.asyncio import AsyncSession

from services.common.auth import Principal
from services.common.clock import beijing_text
from services.common.errors import Conflict
from services.common.money import yuan_in_capitals
from services.resources.funds import corrections
from services.resources.funds import repository as ledger_repository
from services.resources.funds import service as fund_service
from services.resources.models import Organization


class NoReceipt(Conflict):
    code = "NO_RECEIPT"


def _figures(amount: Decimal) -> str:
    return f"¥{amount:,.2f}"


async def render(session: AsyncSession, principal: Principal, fund_id: uuid.UUID, entry_id: uuid.UUID) -> str:
    """The receipt of one donation as a printable HTML page (the fund's own staff)."""
    fund = await fund_service.managed_fund(session, principal, fund_id)
    entry = await corrections.entry_of(session, principal, fund_id, entry_id)
    if entry.kind != "donation" or entry.receipt_number is None:
        raise NoReceipt("Only a donation has a receipt.", "只有捐赠记录才有收据。")
    organization = await session.get(Organization, fund.org_id)  # the fund's own, already authorised
    reversal = await ledger_repository.reversal_of(session, principal, entry.id)
    void = (
        f'<p class="void">已冲正作废 / Reversed on {escape(beijing_text(reversal.created_at))}</p>' if reversal else ""
    )
    rows = [
        ("收据编号 Receipt No.", entry.receipt_number),
        ("日期 Date (北京时间)", beijing_text(entry.created_at)),
        ("捐赠人 Donor", entry.donor_name or ""),
        ("金额（小写） Amount", _figures(entry.amount)),
        ("金额（大写） In words", f"人民币{yuan_in_capitals(entry.amount)}"),
        ("捐赠项目 Fund", fund.title),
        ("凭证 Reference", entry.reference),
    ]
    cells = "\n".join(f"<tr><th>{escape(label)}</th><td>{escape(value)}</td></tr>" for label, value in rows)
    issuer = escape(organization.name if organization else "")
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>捐赠收据 {escape(entry.receipt_number)}</title>
<style>body{{font-family:serif;max-width:40em;margin:2em auto}}table{{border-collapse:collapse;width:100%}}
th,td{{border:1px solid #000;padding:.4em;text-align:left}}.void{{color:#b00;font-weight:bold}}
@media print{{button{{display:none}}}}</style></head>
<body><h1>公益事业捐赠收据</h1><p>{issuer}</p>{void}
<table>
{cells}
</table>
<p>收款单位（盖章）：{issuer}　　经办人：{escape(entry.actor)}</p></body></html>
"""
