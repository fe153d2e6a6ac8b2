"""Schemathesis against the resources service's own OpenAPI: no generated request gets a 5xx.

The app runs under uvicorn in a thread with its own pool (tests/support/openapi_fuzz.py);
writes commit and `committed_db` empties the tables afterwards. Positive and negative inputs,
as three callers who can reach different code paths, bounded to about a minute in all.
"""

from collections.abc import Iterator

import pytest
from schemathesis import GenerationMode

from services.common.database import Database
from services.common.settings import Settings
from services.resources.app import create_app
from services.resources.models import Organization
from tests.resources.factories import make_offer, make_organization
from tests.support.auth import bearer
from tests.support.openapi_fuzz import live_server, server_errors


@pytest.fixture
async def organization(committed_db: Database) -> Organization:
    organization = await make_organization(committed_db, service_regions=["15"])
    await make_offer(committed_db, organization, region_prefix="1507")
    await make_offer(committed_db, organization, kind="fund", total=100, region_prefix="15")
    return organization


@pytest.fixture
def live_url(settings: Settings, organization: Organization) -> Iterator[str]:
    app = create_app(settings.model_copy(update={"db_pool_size": 4, "db_max_overflow": 2}))
    with live_server(app) as url:
        yield url


def callers(settings: Settings, organization: Organization) -> dict[str, dict[str, str]]:
    return {
        "org_staff": bearer(settings, "org_staff", org_id=organization.id),
        "station_staff": bearer(settings, "station_staff", region="1507"),
        "app_client": bearer(settings, "app_client", scopes=["wishes:read", "wishes:claim", "events:read"]),
    }


@pytest.mark.parametrize("caller", ["org_staff", "station_staff", "app_client"])
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_server_errors(
    settings: Settings,
    organization: Organization,
    live_url: str,
    caller: str,
    mode: GenerationMode,
) -> None:
    headers = callers(settings, organization)[caller]
    failures = server_errors(lambda: create_app(settings), live_url, headers, mode, examples_per_operation=8)
    assert failures == []
