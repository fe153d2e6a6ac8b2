"""`wushe match`: ask the gateway for proposals in a region and print them (or JSON)."""

import json
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from services.common.auth import issue_dev_token
from services.common.settings import get_settings
from wushe_cli.ids import id_of

QUERY = """query($region: String!, $kinds: [NeedKind!]) {
  proposeMatches(scope: {regionCode: $region}, kinds: $kinds, limit: 1000) {
    proposals { resourceKind quantity amount minutesPerWeek score reasons need { title regionCode } offer { title }
                volunteer { name } }
    summary { method needs needsMet weightedValue greedyNeedsMet greedyWeightedValue tekunNeeds tekunMet
              candidates candidatesSeconds solveSeconds notes } } }"""


def match(
    region: Annotated[str, typer.Option(help="Region-code prefix, e.g. 1507 or 150781.")],
    kinds: Annotated[list[str] | None, typer.Option("--kinds", help="micro_wish, care, funding (repeatable).")] = None,
    gateway_url: Annotated[str, typer.Option(help="The gateway.")] = "http://127.0.0.1:8000",
    token: Annotated[str | None, typer.Option(envvar="WUSHE_TOKEN", help="Bearer token of station staff.")] = None,
    platform: Annotated[
        str | None,
        typer.Option(
            help="Without --token: mint a development token for this platform (global id or UUID).",
            callback=id_of("Platform", "--platform"),
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the raw result as JSON.")] = False,
) -> None:
    """Propose who should meet which need in a region, with the reasons, and compare with greedy."""
    if token is None and platform is None:
        typer.echo("Give --token (station or centre staff) or --platform to mint a development token.", err=True)
        raise typer.Exit(2)
    bearer = token or issue_dev_token(get_settings(), role="station_staff", platform_id=platform, subject="wushe-cli")
    variables: dict[str, Any] = {"region": region, "kinds": [k.upper() for k in kinds] if kinds else None}
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), transient=True, disable=as_json
    ) as progress:
        progress.add_task(f"matching needs in {region}…", total=None)
        response = httpx.post(
            f"{gateway_url}/graphql",
            json={"query": QUERY, "variables": variables},
            headers={"Authorization": f"Bearer {bearer}"},
            timeout=300,
        )
    body = response.json()
    if body.get("errors"):
        typer.echo(json.dumps(body["errors"], ensure_ascii=False, indent=2), err=True)
        raise typer.Exit(1)
    result = body["data"]["proposeMatches"]
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
        return
    _print(result)


def _print(result: dict[str, Any]) -> None:
    console = Console()
    table = Table(title="Proposals / 匹配建议", show_lines=False)
    for column in ("need / 需求", "region", "resource / 资源", "qty", "score", "why / 理由"):
        table.add_column(column)
    for p in result["proposals"]:
        resource = (p["offer"] or {}).get("title") or (p["volunteer"] or {}).get("name") or p["resourceKind"]
        amount = (
            f"¥{p['amount']}"
            if p["amount"]
            else f"{p['minutesPerWeek']} min/wk"
            if p["minutesPerWeek"]
            else str(p["quantity"])
        )
        need = p["need"] or {}
        table.add_row(
            need.get("title", "?"),
            need.get("regionCode", ""),
            resource,
            amount,
            f"{p['score']:.1f}",
            "; ".join(p["reasons"][:3]),
        )
    console.print(table)
    s = result["summary"]
    console.print(
        f"{s['needs']} needs, optimal met {s['needsMet']} (value {s['weightedValue']:.1f}), "
        f"greedy met {s['greedyNeedsMet']} (value {s['greedyWeightedValue']:.1f}); "
        f"特困 met {s['tekunMet']}/{s['tekunNeeds']}; {s['candidates']} candidates, "
        f"{s['candidatesSeconds']:.2f} s + {s['solveSeconds']:.2f} s ({s['method']})"
    )
