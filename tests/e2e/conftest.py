from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.stack import started_stack
from wushe_cli.stack import Stack


@pytest.fixture(scope="session")
def stack(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    log_dir: Path = tmp_path_factory.mktemp("stack-logs")
    with started_stack(database_url, log_dir, {"WUSHE_ENVIRONMENT": "test"}) as stack:
        yield stack
