"""Start and stop the whole stack as separate processes talking real HTTP."""

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from services.common.migrations import upgrade_all
from wushe_cli.postgres import EmbeddedPostgres

APPS = {
    "case": "services.case.app:create_app",
    "resources": "services.resources.app:create_app",
    "volunteers": "services.volunteers.app:create_app",
    "gateway": "gateway.app:create_app",
}
# The station workbench (issue 19): a client of the gateway, started by `wushe up` beside it but not
# one of the images' services (APPS), so it is looked up on its own.
WORKBENCH_APP = "workbench.app:create_app"
FACTORIES = {**APPS, "workbench": WORKBENCH_APP}


@dataclass
class Ports:
    gateway: int = 8000
    case: int = 8001
    resources: int = 8002
    volunteers: int = 8003
    workbench: int = 8004

    def of(self, name: str) -> int:
        return int(getattr(self, name))


@dataclass
class Stack:
    """The processes of one running stack (and the embedded database, if we started it)."""

    host: str
    ports: Ports
    database_url: str
    postgres: EmbeddedPostgres | None = None
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    log_dir: Path | None = None
    # The environment each process was first started with: a restart keeps it (and may add to it).
    extra_envs: dict[str, dict[str, str]] = field(default_factory=dict)

    def url(self, name: str) -> str:
        return f"http://{self.host}:{self.ports.of(name)}"

    def environment(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            DATABASE_URL=self.database_url,
            WUSHE_CASE_URL=self.url("case"),
            WUSHE_RESOURCES_URL=self.url("resources"),
            WUSHE_VOLUNTEERS_URL=self.url("volunteers"),
            WUSHE_GATEWAY_URL=self.url("gateway"),
        )
        env.setdefault("WUSHE_WORKBENCH_PUBLIC_URL", self.url("workbench"))
        env.update(extra or {})
        return env

    def start_process(self, name: str, log_dir: Path | None = None, extra_env: dict[str, str] | None = None) -> None:
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            FACTORIES[name],
            "--factory",
            "--host",
            self.host,
            "--port",
            str(self.ports.of(name)),
            "--no-access-log",
            "--timeout-graceful-shutdown",
            "5",
        ]
        output = None
        log_dir = log_dir or self.log_dir
        if self.log_dir is None:
            self.log_dir = log_dir  # the first folder given stays the stack's log folder
        if log_dir is not None:
            log_dir.mkdir(parents=True, exist_ok=True)
            output = open(log_dir / f"{name}.log", "ab")
        extra = self.extra_envs[name] = {**self.extra_envs.get(name, {}), **(extra_env or {})}
        self.processes[name] = subprocess.Popen(command, env=self.environment(extra), stdout=output, stderr=output)

    def start_all(self, log_dir: Path | None = None) -> None:
        for name in APPS:
            self.start_process(name, log_dir)
        self.start_process("workbench", log_dir)

    def wait_ready(self, timeout_s: float = 60.0) -> None:
        """Until every service's `/readyz` and the gateway's `/healthz` answer 200."""
        deadline = time.monotonic() + timeout_s
        pending = {name: self.url(name) + ("/healthz" if name == "gateway" else "/readyz") for name in APPS}
        if "workbench" in self.processes:
            pending["workbench"] = self.url("workbench") + "/healthz"
        while pending:
            for name, url in list(pending.items()):
                process = self.processes.get(name)
                if process is not None and process.poll() is not None:
                    raise RuntimeError(f"{name} exited with code {process.returncode}")
                if _answers_ok(url):
                    del pending[name]
            if pending and time.monotonic() > deadline:
                raise TimeoutError(f"not ready after {timeout_s:.0f} s: {', '.join(pending)}")
            if pending:
                time.sleep(0.2)

    def stop_process(self, name: str, timeout_s: float = 10.0) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def stop(self) -> None:
        for name in list(self.processes):
            self.stop_process(name)
        if self.postgres is not None:
            self.postgres.stop()
            self.postgres = None


def _answers_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def resolve_database(data_dir: Path) -> tuple[str, EmbeddedPostgres | None]:
    """`DATABASE_URL` when set, otherwise a started embedded PostgreSQL in `data_dir`."""
    url = os.environ.get("DATABASE_URL", "")
    if url:
        return url, None
    postgres = EmbeddedPostgres.start(data_dir)
    return postgres.url(), postgres


@contextmanager
def running_stack(data_dir: Path, host: str, ports: Ports, log_dir: Path | None = None) -> Iterator[Stack]:
    """Database, migrations, services and gateway; everything stopped on the way out."""
    url, postgres = resolve_database(data_dir)
    stack = Stack(host=host, ports=ports, database_url=url, postgres=postgres)
    try:
        upgrade_all(url)
        stack.start_all(log_dir)
        yield stack
    finally:
        stack.stop()
