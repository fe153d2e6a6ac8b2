"""`wushe seed --demo`: load the demo into a running stack."""

import asyncio
from typing import Annotated

import typer

from services.common.settings import get_settings
from wushe_cli.demo.client import SeedError
from wushe_cli.demo.seeder import SeedReport, seed_demo

ServiceUrl = Annotated[str | None, typer.Option(help="Base URL of the service (default: from settings).")]


def service_urls(
    case_url: str | None = None, resources_url: str | None = None, volunteers_url: str | None = None
) -> dict[str, str]:
    settings = get_settings()
    return {
        "case": (case_url or settings.case_url).rstrip("/"),
        "resources": (resources_url or settings.resources_url).rstrip("/"),
        "volunteers": (volunteers_url or settings.volunteers_url).rstrip("/"),
    }


def print_report(report: SeedReport) -> None:
    tally = report.tally
    typer.echo(
        f"Demo data ready in {report.seconds:.1f} s ({tally.requests} requests): "
        f"{report.created} records created, {sum(tally.replayed.values())} already there, "
        f"{report.changed} state changes."
    )
    counts = report.counts
    typer.echo(
        f"  {counts['platforms']} platforms ({counts['county_centres']} county centres, {counts['stations']} stations, "
        f"{counts['community_rooms']} community rooms), {counts['staff']} staff, {counts['projects']} projects "
        f"({counts['brand_projects']} brand)\n"
        f"  {counts['recipients']} recipients, {counts['cases']} cases, {counts['needs']} needs "
        f"({counts['micro_wishes']} micro-wishes, {counts['care_needs']} care needs of which "
        f"{counts['mongolian_care_needs']} in Mongolian, {counts['funding_needs']} funding; "
        f"{counts['fulfilled_needs']} fulfilled)\n"
        f"  {counts['organisations']} organisations, {counts['offers']} offers, {counts['donations']} donations\n"
        f"  {counts['volunteers']} volunteers ({counts['mongolian_speaking_volunteers']} speak Mongolian), "
        f"{counts['teams']} teams, {counts['activities']} activities, {counts['signups']} sign-ups, "
        f"{counts['approved_hours']} with approved hours"
    )


def seed(
    demo: Annotated[bool, typer.Option("--demo", help="Load the demo data set (the only data set so far).")] = False,
    case_url: ServiceUrl = None,
    resources_url: ServiceUrl = None,
    volunteers_url: ServiceUrl = None,
    concurrency: Annotated[int, typer.Option(help="Requests in flight at once.")] = 12,
) -> None:
    """Seed a running stack through its REST APIs (idempotent: a second run changes nothing)."""
    if not demo:
        typer.echo("Say which data to load: wushe seed --demo", err=True)
        raise typer.Exit(2)
    if get_settings().environment == "production":
        typer.echo("Refusing to load demo data into production.", err=True)
        raise typer.Exit(2)
    try:
        report = asyncio.run(seed_demo(service_urls(case_url, resources_url, volunteers_url), concurrency=concurrency))
    except SeedError as error:
        typer.echo(error.report(), err=True)
        raise typer.Exit(1) from error
    print_report(report)
