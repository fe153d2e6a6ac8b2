"""Schemathesis against the service's own OpenAPI: no generated request may cause a 5xx.

The app runs under uvicorn in a thread with its own connection pool (so it has its own event
loop), writes really commit, and `committed_db` empties the tables afterwards. Both valid
(positive) and invalid (negative) inputs are generated for every operation, bounded so the
whole run takes about a minute.
"""

import threading
import time
import uuid
from collections.abc import Iterator

import hypothesis
import hypothesis.errors
import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, Phase, given, strategies
from schemathesis import GenerationMode

from services.common.database import Database
from services.common.settings import Settings
from services.volunteers.app import create_app
from tests.support.auth import bearer
from tests.volunteers.factories import make_activity, make_assignment, make_volunteer

EXAMPLES_PER_OPERATION = 25


@pytest.fixture
def live_url(settings: Settings, committed_db: Database) -> Iterator[str]:
    app = create_app(settings.model_copy(update={"db_pool_size": 4, "db_max_overflow": 2}))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
async def seeded(settings: Settings, committed_db: Database) -> dict[str, object]:
    """Rows the fuzzing caller owns, so generated requests also reach real records."""
    platform_id = uuid.uuid4()
    volunteer = await make_volunteer(committed_db, settings, platform_id=platform_id)
    activity = await make_activity(committed_db, platform_id=platform_id, capacity=2)
    assignment = await make_assignment(committed_db, settings, volunteer=volunteer, platform_id=platform_id)
    return {
        "platform_id": platform_id,
        "volunteer_id": str(volunteer.id),
        "activity_id": str(activity.id),
        "assignment_id": str(assignment.id),
    }


def _operations(settings: Settings):  # type: ignore[no-untyped-def]
    schema = schemathesis.openapi.from_dict(create_app(settings).openapi())
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_server_errors(settings: Settings, live_url: str, seeded: dict[str, object], mode: GenerationMode) -> None:
    headers = bearer(
        settings,
        "station_staff",
        platform_id=seeded["platform_id"],
        region="15",
        scopes=["events:read"],
    )
    failures: list[str] = []
    successes: list[str] = []
    for operation in _operations(settings):
        known = {
            name: seeded[name]
            for name in ("volunteer_id", "activity_id", "assignment_id")
            if f"{{{name}}}" in operation.path
        }
        strategy = operation.as_strategy(generation_mode=mode)
        if known:
            strategy = strategies.one_of(strategy, operation.as_strategy(generation_mode=mode, path_parameters=known))

        @hypothesis.settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def run(case) -> None:  # type: ignore[no-untyped-def]
            response = case.call(base_url=live_url, headers=headers, timeout=10)
            if response.status_code < 300:
                successes.append(f"{case.method} {case.operation.path}")
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path} -> {response.status_code}: "
                    f"{case.path_parameters} {case.query} {case.body!r}"[:500]
                )

        try:
            run()
        except hypothesis.errors.Unsatisfiable:
            # Negative mode on an operation with nothing to make invalid (e.g. /healthz).
            assert mode is GenerationMode.NEGATIVE
    assert failures == []
    # The valid-input run reached real records, not only 404s and 422s. (Invalid inputs are
    # refused by design, so how many operations still answer 2xx there is not a measure.)
    if mode is GenerationMode.POSITIVE:
        assert len(set(successes)) >= 10, sorted(set(successes))
