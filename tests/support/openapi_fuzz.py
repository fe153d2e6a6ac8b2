"""Schemathesis against a service's own OpenAPI: no generated request may cause a 5xx.

The app runs under uvicorn in a thread with its own connection pool (so it has its own event
loop), writes really commit, and the caller's `committed_db` fixture empties the tables
afterwards. Valid (positive) and invalid (negative) inputs are generated for every operation,
bounded per operation so a service's whole run takes about a minute.
"""

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import hypothesis
import hypothesis.errors
import schemathesis
import uvicorn
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given
from schemathesis import GenerationMode


@contextmanager
def live_server(app: FastAPI) -> Iterator[str]:
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def server_errors(
    app_factory: Callable[[], FastAPI],
    base_url: str,
    headers: dict[str, str],
    mode: GenerationMode,
    examples_per_operation: int = 12,
) -> list[str]:
    """Requests generated from the app's OpenAPI that got a 5xx (an empty list is a pass)."""
    schema = schemathesis.openapi.from_dict(app_factory().openapi())
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @hypothesis.settings(
            max_examples=examples_per_operation,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def run(case) -> None:  # type: ignore[no-untyped-def]
            response = case.call(base_url=base_url, headers=headers, timeout=10)
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path} -> {response.status_code}: "
                    f"{case.path_parameters} {case.query} {case.body!r}"[:500]
                )

        try:
            run()
        except hypothesis.errors.Unsatisfiable:
            # Negative mode on an operation with nothing to make invalid (e.g. /healthz).
            if mode is not GenerationMode.NEGATIVE:
                raise
    return failures
