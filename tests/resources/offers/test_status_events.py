"""An offer's counters move its status (published ↔ exhausted), and each move is an event."""

from datetime import timedelta

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.common.database import Database
from services.common.settings import Settings
from services.resources.holds.expiry import expire_due_holds
from services.resources.models import Offer, OutboxEvent
from tests.resources.factories import hold_request, make_hold, make_offer, make_organization, staff


async def offer_events(connection: AsyncConnection, offer: Offer) -> list[tuple[str, dict[str, str], str]]:
    rows = await connection.execute(
        select(OutboxEvent.event_type, OutboxEvent.payload, OutboxEvent.region_code)
        .where(OutboxEvent.aggregate_type == "offer", OutboxEvent.aggregate_id == offer.id)
        .order_by(OutboxEvent.id)
    )
    return [(row.event_type, row.payload, row.region_code) for row in rows]


class TestStatusEvents:
    async def test_the_hold_that_takes_the_last_unit_exhausts_it_and_a_release_publishes_it_again(
        self, client: httpx.AsyncClient, settings: Settings, rolled_back_db: Database, connection: AsyncConnection
    ) -> None:
        offer = await make_offer(rolled_back_db, await make_organization(rolled_back_db), total=3)
        station = staff(settings)
        first = await client.post("/v1/holds", json=hold_request(settings, offer, quantity=2), headers=station)
        assert first.status_code == 201 and await offer_events(connection, offer) == []
        last = (await client.post("/v1/holds", json=hold_request(settings, offer, quantity=1), headers=station)).json()
        assert await offer_events(connection, offer) == [("offer.exhausted", {"status": "exhausted"}, "1507")]

        for hold_id in (last["id"], last["id"], first.json()["id"]):  # the repeat moves nothing
            assert (await client.post(f"/v1/holds/{hold_id}/release", headers=station)).status_code == 200
        assert await offer_events(connection, offer) == [
            ("offer.exhausted", {"status": "exhausted"}, "1507"),
            ("offer.published", {"status": "published"}, "1507"),
        ]
        assert await connection.scalar(select(Offer.status).where(Offer.id == offer.id)) == "published"

    async def test_an_expired_hold_publishes_an_exhausted_offer_again(
        self, rolled_back_db: Database, connection: AsyncConnection
    ) -> None:
        offer = await make_offer(rolled_back_db, await make_organization(rolled_back_db), total=2)
        await make_hold(rolled_back_db, offer, quantity=2, expires_in=timedelta(seconds=-1))
        async with rolled_back_db.sessions() as session:
            await session.execute(Offer.__table__.update().where(Offer.id == offer.id).values(status="exhausted"))
            await session.commit()

        assert await expire_due_holds(rolled_back_db) == 1
        assert await offer_events(connection, offer) == [("offer.published", {"status": "published"}, "1507")]

    async def test_a_paused_offer_given_units_back_stays_paused_and_says_nothing(
        self, client: httpx.AsyncClient, settings: Settings, rolled_back_db: Database, connection: AsyncConnection
    ) -> None:
        offer = await make_offer(rolled_back_db, await make_organization(rolled_back_db), total=2, status="paused")
        hold = await make_hold(rolled_back_db, offer, quantity=1)
        released = await client.post(f"/v1/holds/{hold.id}/release", headers=staff(settings))
        assert released.status_code == 200 and released.json()["state"] == "released"
        assert await connection.scalar(select(Offer.held).where(Offer.id == offer.id)) == 0
        assert await connection.scalar(select(Offer.status).where(Offer.id == offer.id)) == "paused"
        assert await offer_events(connection, offer) == []
