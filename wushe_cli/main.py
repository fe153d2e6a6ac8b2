"""`wushe`: run the stack, migrate, mint development tokens."""

import asyncio
import os
import signal
import threading
from datetime import datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer

from services.common.auth import issue_dev_token
from services.common.clock import beijing_text, clock, shift_to
from services.common.migrations import upgrade_all
from services.common.settings import get_settings
from services.common.vocabulary import Role
from wushe_cli.check import check
from wushe_cli.demo.client import SeedError
from wushe_cli.demo.command import print_report, seed
from wushe_cli.demo.seeder import demo_loaded_at, seed_demo
from wushe_cli.ids import id_of
from wushe_cli.match import match
from wushe_cli.pii_rotation import rotate_pii_key
from wushe_cli.postgres import DEFAULT_DATA_DIR
from wushe_cli.stack import Ports, resolve_database, running_stack
from wushe_cli.transfer import export_app, import_app

app = typer.Typer(help="五社联动 Wushe — run, migrate and operate the stack.", no_args_is_help=True)

DataDir = Annotated[
    Path,
    typer.Option(help="Where the embedded PostgreSQL keeps its data (ignored with DATABASE_URL)."),
]


@app.command()
def up(
    data_dir: DataDir = DEFAULT_DATA_DIR,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    gateway_port: int = 8000,
    case_port: int = 8001,
    resources_port: int = 8002,
    volunteers_port: int = 8003,
    workbench_port: Annotated[
        int | None, typer.Option(help="The station workbench (社工站工作台); default: the gateway's port + 4.")
    ] = None,
    ready_timeout: Annotated[float, typer.Option(help="Seconds to wait for readiness.")] = 60.0,
    demo: Annotated[bool, typer.Option("--demo", help="Load the demo data once the stack is ready.")] = False,
    as_of: Annotated[
        str | None,
        typer.Option(help="Run every process as if it were this instant (ISO 8601 with an offset); not in production."),
    ] = None,
) -> None:
    """Start PostgreSQL (embedded unless DATABASE_URL is set), migrate, start services, gateway and workbench.

    Ctrl-C or SIGTERM stops everything, PostgreSQL included.
    """
    if as_of is not None:
        shift_clock_to(as_of)
        typer.echo(f"Clock shifted by WUSHE_CLOCK_SHIFT_S={os.environ['WUSHE_CLOCK_SHIFT_S']} (now: {as_of}).")
    ports = Ports(gateway_port, case_port, resources_port, volunteers_port, workbench_port or gateway_port + 4)
    stop = threading.Event()

    def request_stop(signum: int, _: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    with running_stack(data_dir, host, ports, log_dir=data_dir / "logs") as stack:
        stack.wait_ready(ready_timeout)
        if demo:
            urls = {name: stack.url(name) for name in ("case", "resources", "volunteers")}
            load_demo(urls)
        typer.echo(
            "\n五社联动 Wushe is up.\n"
            f"  workbench (工作台):  {stack.url('workbench')}/\n"
            f"  GraphQL (GraphiQL):  {stack.url('gateway')}/graphql\n"
            f"  case service:        {stack.url('case')}/docs\n"
            f"  resources service:   {stack.url('resources')}/docs\n"
            f"  volunteers service:  {stack.url('volunteers')}/docs\n"
            f"  logs:                {data_dir / 'logs'}\n"
            "  a token:             wushe token --role civil_affairs_admin --region 15\n"
            "  queries to try:      docs/demo-queries.md\n"
            "Press Ctrl-C to stop.",
        )
        while not stop.wait(0.5):
            for name, process in stack.processes.items():
                if process.poll() is not None:
                    typer.echo(f"{name} exited with code {process.returncode}; stopping.", err=True)
                    stop.set()
        typer.echo("Stopping…")
    typer.echo("Stopped.")


@app.command()
def migrate(data_dir: DataDir = DEFAULT_DATA_DIR) -> None:
    """Run every service's migrations up to head."""
    url, postgres = resolve_database(data_dir)
    try:
        upgrade_all(url)
        typer.echo("Migrations at head: case, resources, volunteers.")
    finally:
        if postgres is not None:
            postgres.stop()


@app.command()
def token(
    role: Annotated[Role, typer.Option(help="Role claim.")],
    subject: Annotated[str | None, typer.Option(help="Subject (sub) claim.")] = None,
    platform: Annotated[
        str | None, typer.Option(help="Platform id (global id or UUID).", callback=id_of("Platform", "--platform"))
    ] = None,
    org: Annotated[
        str | None, typer.Option(help="Organisation id (global id or UUID).", callback=id_of("Organization", "--org"))
    ] = None,
    volunteer: Annotated[
        str | None, typer.Option(help="Volunteer id (global id or UUID).", callback=id_of("Volunteer", "--volunteer"))
    ] = None,
    region: Annotated[str, typer.Option(help="Region-code prefix of the caller's scope.")] = "",
    scope: Annotated[list[str] | None, typer.Option(help="App-client scope (repeatable).")] = None,
    ttl: Annotated[int, typer.Option(help="Lifetime in seconds.")] = 12 * 3600,
) -> None:
    """Print a development JWT signed with the configured shared secret."""
    settings = get_settings()
    if settings.environment == "production":
        typer.echo("Refusing to mint tokens in production; use your OIDC provider.", err=True)
        raise typer.Exit(2)
    typer.echo(
        issue_dev_token(
            settings,
            role=role,
            subject=subject,
            platform_id=platform,
            org_id=org,
            volunteer_id=volunteer,
            region=region,
            scopes=scope,
            ttl_s=ttl,
        )
    )


app.command()(seed)
app.command()(match)
app.command("rotate-pii-key")(rotate_pii_key)
app.command()(check)
app.add_typer(import_app, name="import")
app.add_typer(export_app, name="export")


def load_demo(urls: dict[str, str]) -> None:
    """Seed (or resume) the demo; a failure is reported and the stack stays up.

    Seeding is idempotent through the services' replay records, which are purged after
    WUSHE_IDEMPOTENCY_RETENTION_DAYS: a demo loaded longer ago than that is left as it is, since
    sending it again would make a second copy."""
    settings = get_settings()
    try:
        loaded_at = asyncio.run(demo_loaded_at(urls))
        if loaded_at is not None and clock.now() - loaded_at > timedelta(days=settings.idempotency_retention_days - 1):
            typer.echo(f"Demo data loaded on {beijing_text(loaded_at)} (Beijing time) is there; left as it is.")
            return
        print_report(asyncio.run(seed_demo(urls)))
    except SeedError as error:  # the stack stays up: the demo is a convenience, not the service
        typer.echo(error.report(), err=True)


def shift_clock_to(as_of: str) -> None:
    """Shift this process's clock, and every process it starts, so that now is `as_of`."""
    try:
        moment = datetime.fromisoformat(as_of)
    except ValueError as exc:
        raise typer.BadParameter(f"not an ISO 8601 time: {as_of}", param_hint="--as-of") from exc
    if moment.tzinfo is None:
        raise typer.BadParameter("give an offset, e.g. 2026-12-06T23:30:00+08:00", param_hint="--as-of")
    os.environ["WUSHE_CLOCK_SHIFT_S"] = str(shift_to(moment).total_seconds())
    get_settings.cache_clear()
    clock.configure(get_settings())


@app.callback()
def configure() -> None:
    """五社联动 Wushe — run, migrate and operate the stack."""
    clock.configure(get_settings())


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
