"""The outbox feed: every state change is an event, in order, without personal data."""

import httpx

from services.common.database import Database
from services.common.settings import Settings
from tests.resources.factories import hold_request, make_offer, make_organization, staff
from tests.support.auth import bearer


class TestEvents:
    async def test_hold_lifecycle_appears_in_order(
        self, committed_client: httpx.AsyncClient, settings: Settings, committed_db: Database
    ) -> None:
        # Committed for real: the feed only shows events of transactions that can no longer be overtaken.
        client = committed_client
        organization = await make_organization(committed_db)
        offer = await make_offer(committed_db, organization)
        station = staff(settings)
        body = hold_request(settings, offer, quantity=1)
        hold = (await client.post("/v1/holds", json=body, headers=station)).json()
        await client.post(f"/v1/holds/{hold['id']}/commit", headers=station)
        await client.post(f"/v1/holds/{hold['id']}/deliver", headers=station)

        # The station's own staff read the hold's events; an app reaching the service directly gets
        # none of them (the gateway shows apps wish events only, and those are the case service's).
        app = bearer(settings, "app_client", scopes=["events:read"])
        assert (await client.get("/v1/events?after=0", headers=app)).json()["items"] == []
        reader = station
        page = (await client.get("/v1/events?after=0", headers=reader)).json()

        types = [item["event_type"] for item in page["items"]]
        assert types == ["hold.held", "hold.committed", "hold.delivered"]
        rest = (await client.get(f"/v1/events?after={page['next_after']}", headers=reader)).json()
        assert rest["items"] == []

    async def test_feed_is_role_gated(self, client: httpx.AsyncClient, settings: Settings) -> None:
        response = await client.get("/v1/events", headers=bearer(settings, "volunteer"))
        assert response.status_code == 403
