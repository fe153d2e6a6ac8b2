"""`wushe check`: every cross-service invariant, with its count of violations.

It reads each service's schema of the one database directly (an operator's tool, read-only, in
one REPEATABLE READ transaction so all figures come from one moment), prints each invariant with
the number of records breaking it and a few of their ids, and exits 1 if any is broken.

Links that changed within `--grace` seconds are not judged: a saga in flight, a hold waiting for
the expiry tick and a reconciler pass are all allowed that long (use the hold TTL plus the
reconciler interval after a fault; 0 on a quiet stack).
"""

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from services.common.clock import clock
from services.common.database import create_engine
from wushe_cli.postgres import DEFAULT_DATA_DIR
from wushe_cli.stack import resolve_database


@dataclass(frozen=True)
class Invariant:
    name: str
    sql: str  # selects the ids of the records that break it; `:cutoff` is now minus the grace


INVARIANTS = [
    Invariant(
        "matched need ↔ committed hold (需求已对接 ⇒ 预留已确认)",
        """SELECT n.id::text FROM "case".needs n LEFT JOIN resources.holds h ON n.matched_reference = 'hold:' || h.id
           WHERE n.state = 'matched' AND n.matched_reference LIKE 'hold:%' AND n.updated_at < :cutoff
             AND (h.id IS NULL OR h.state NOT IN ('committed', 'delivered'))""",
    ),
    Invariant(
        "fulfilled need ↔ delivered hold (需求已实现 ⇒ 资源已交付)",
        """SELECT n.id::text FROM "case".needs n LEFT JOIN resources.holds h ON n.matched_reference = 'hold:' || h.id
           WHERE n.state IN ('fulfilled', 'closed') AND n.matched_reference LIKE 'hold:%' AND n.updated_at < :cutoff
             AND (h.id IS NULL OR h.state <> 'delivered')""",
    ),
    Invariant(
        "pending need ↔ live hold (需求预留中 ⇒ 预留有效)",
        """SELECT n.id::text FROM "case".needs n LEFT JOIN resources.holds h ON n.pending_reference = 'hold:' || h.id
           WHERE n.state = 'pending' AND n.pending_reference LIKE 'hold:%' AND n.updated_at < :cutoff
             AND (h.id IS NULL OR h.state NOT IN ('held', 'committed'))""",
    ),
    Invariant(
        "committed hold ↔ its need names it (预留已确认 ⇒ 需求指向它)",
        """SELECT h.id::text FROM resources.holds h
           WHERE h.state = 'committed' AND h.created_at < :cutoff AND NOT EXISTS (
             SELECT 1 FROM "case".needs n WHERE (n.matched_reference = 'hold:' || h.id
               AND n.state IN ('matched', 'fulfilled', 'closed'))
               OR (n.pending_reference = 'hold:' || h.id AND n.state = 'pending')
               OR (n.parts @> jsonb_build_array(jsonb_build_object('reference', 'hold:' || h.id))
               AND n.state IN ('open', 'pending', 'matched', 'fulfilled', 'closed')))""",
    ),
    Invariant(
        "held hold ↔ its need reserved for it (预留中 ⇒ 需求为其保留)",
        """SELECT h.id::text FROM resources.holds h
           WHERE h.state = 'held' AND h.created_at < :cutoff AND NOT EXISTS (
             SELECT 1 FROM "case".needs n WHERE 'hold:' || h.id IN (n.pending_reference, n.matched_reference)
               OR n.parts @> jsonb_build_array(jsonb_build_object('reference', 'hold:' || h.id)))""",
    ),
    Invariant(
        "offer held = Σ live holds (资源占用 = 有效预留之和)",
        """SELECT o.id::text FROM resources.offers o LEFT JOIN (
             SELECT offer_id, sum(quantity) AS live FROM resources.holds
             WHERE state IN ('held', 'committed') GROUP BY offer_id) l ON l.offer_id = o.id
           WHERE o.held <> coalesce(l.live, 0)""",
    ),
    Invariant(
        "item offer delivered = Σ delivered holds (实物已交付 = 交付预留之和)",
        """SELECT o.id::text FROM resources.offers o LEFT JOIN (
             SELECT offer_id, sum(quantity) AS done FROM resources.holds WHERE state = 'delivered' GROUP BY offer_id
           ) d ON d.offer_id = o.id
           WHERE o.kind <> 'fund' AND o.delivered <> coalesce(d.done, 0)""",
    ),
    Invariant(
        "fund balance = ledger sum (资金余额 = 流水之和)",
        """SELECT o.id::text FROM resources.offers o LEFT JOIN (
             SELECT fund_id, sum(amount) AS total FROM resources.ledger_entries GROUP BY fund_id) e ON e.fund_id = o.id
           WHERE o.kind = 'fund' AND o.total - o.delivered <> coalesce(e.total, 0)""",
    ),
    Invariant(
        "a claim that did not stand leaves no open offer or unpaid money (认领未成立 ⇒ 不留资源与款项)",
        """SELECT p.id::text FROM resources.pledges p JOIN resources.holds h ON h.id = p.hold_id
           JOIN resources.offers o ON o.id = p.offer_id
           WHERE h.state IN ('expired', 'released')
             AND (o.status IN ('published', 'exhausted', 'paused')
                  OR (o.kind = 'fund' AND o.total - o.delivered - o.held <> 0))""",
    ),
    Invariant(
        "each need's last event = its state (需求的最后事件与状态一致)",
        """SELECT n.id::text FROM "case".needs n JOIN LATERAL (
             SELECT event_type FROM "case".outbox_events e WHERE e.aggregate_type = 'need' AND e.aggregate_id = n.id
             ORDER BY e.id DESC LIMIT 1) last ON true
           WHERE replace(last.event_type, 'need.published', 'need.open') <> 'need.' || n.state""",
    ),
    Invariant(
        "each hold's last event = its state (预留的最后事件与状态一致)",
        """SELECT h.id::text FROM resources.holds h LEFT JOIN LATERAL (
             SELECT event_type FROM resources.outbox_events e WHERE e.aggregate_type = 'hold' AND e.aggregate_id = h.id
             ORDER BY e.id DESC LIMIT 1) last ON true
           WHERE last.event_type IS DISTINCT FROM 'hold.' || h.state""",
    ),
]


@dataclass(frozen=True)
class Finding:
    invariant: Invariant
    ids: list[str]


async def find_violations(database_url: str, grace_s: float = 0.0) -> list[Finding]:
    """Every invariant with the ids of the records that break it (empty lists when all hold)."""
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"))
            cutoff = clock.now() - timedelta(seconds=grace_s)  # one moment for every invariant
            return [await _run(connection, invariant, cutoff) for invariant in INVARIANTS]
    finally:
        await engine.dispose()


async def _run(connection: AsyncConnection, invariant: Invariant, cutoff: datetime) -> Finding:
    result = await connection.execute(text(invariant.sql), {"cutoff": cutoff})
    return Finding(invariant, sorted(str(row[0]) for row in result))


def check(
    grace: Annotated[float, typer.Option(help="Do not judge links changed within this many seconds.")] = 0.0,
    data_dir: Annotated[
        Path, typer.Option(help="The embedded PostgreSQL's data (ignored with DATABASE_URL).")
    ] = DEFAULT_DATA_DIR,
) -> None:
    """Print every cross-service invariant with its count of violations; exit 1 on any."""
    url, postgres = resolve_database(data_dir)
    try:
        findings = asyncio.run(find_violations(url, grace))
    finally:
        if postgres is not None:
            postgres.stop()
    broken = 0
    for finding in findings:
        count = len(finding.ids)
        broken += count
        mark = "ok " if count == 0 else "BAD"
        sample = f"  e.g. {', '.join(finding.ids[:3])}" if count else ""
        typer.echo(f"{mark} {count:>6}  {finding.invariant.name}{sample}")
    typer.echo(f"{len(findings)} invariants, {broken} violations.")
    if broken:
        raise typer.Exit(1)
