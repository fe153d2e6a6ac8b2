"""Real servers on free ports for end-to-end tests."""

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from wushe_cli.stack import Ports, Stack


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def free_ports() -> Ports:
    return Ports(free_port(), free_port(), free_port(), free_port())


@contextmanager
def started_stack(database_url: str, log_dir: Path, extra_env: dict[str, str] | None = None) -> Iterator[Stack]:
    """Services and gateway as separate uvicorn processes against an already migrated database."""
    stack = Stack(host="127.0.0.1", ports=free_ports(), database_url=database_url)
    try:
        for name in ("case", "resources", "volunteers", "gateway"):
            stack.start_process(name, log_dir, extra_env)
        stack.wait_ready(60)
        yield stack
    finally:
        stack.stop()
