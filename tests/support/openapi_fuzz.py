"""Schemathesis against a service's own OpenAPI: no generated request may cause a 5xx.

The app runs under uvicorn in a thread with its own connection pool (so it has its own event
loop), writes really commit, and the caller's `committed_db` fixture empties the tables
afterwards. Valid (positive) and invalid (negative) inputs are generated for every operation,
bounded per operation so a service's whole run takes about a minute.

Generated JSON bodies and query strings also get, about every other time, one string with a
character a database or a spreadsheet chokes on (NUL, other control characters, a lone
surrogate), since what the schema's patterns allow would never contain one.
"""

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import hypothesis
import hypothesis.errors
import schemathesis
import uvicorn
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given
from hypothesis import strategies as st
from schemathesis import GenerationMode

CONTROL = ["\x00", "\x01", "\x08", "\x1b", "\x7f", "\x85", "\t", "\n"]
IN_JSON = st.sampled_from([*CONTROL, "\ud800"])
IN_TEXT = st.sampled_from(CONTROL)
Path = tuple[str | int, ...]


def _string_paths(value: Any, path: Path = ()) -> list[Path]:
    if isinstance(value, str):
        return [path]
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in _string_paths(item, (*path, key))]
    if isinstance(value, list):
        return [p for index, item in enumerate(value) for p in _string_paths(item, (*path, index))]
    return []


def _replaced(value: Any, path: Path, character: str) -> Any:
    if not path:
        middle = len(value) // 2
        return value[:middle] + character + value[middle:]
    head, *rest = path
    if isinstance(value, dict):
        return {**value, head: _replaced(value[head], tuple(rest), character)}
    return [_replaced(item, tuple(rest), character) if index == head else item for index, item in enumerate(value)]


def with_unstorable_character(value: Any, characters: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    """`value` as it is, or with one of its strings carrying one of `characters`."""
    paths = _string_paths(value)
    if not paths:
        return st.just(value)
    spoiled = st.tuples(st.sampled_from(paths), characters).map(lambda pick: _replaced(value, *pick))
    return st.one_of(st.just(value), spoiled)


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

    @schema.hook
    def flatmap_body(context: Any, body: Any) -> st.SearchStrategy[Any]:
        # A JSON body escapes a lone surrogate; a text body (a CSV sheet) cannot carry one.
        return with_unstorable_character(body, IN_JSON if isinstance(body, dict | list) else IN_TEXT)

    @schema.hook
    def flatmap_query(context: Any, query: dict[str, Any]) -> st.SearchStrategy[Any]:
        return with_unstorable_character(query, IN_TEXT)

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
