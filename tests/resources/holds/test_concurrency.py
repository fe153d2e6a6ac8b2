"""Holds never over-allocate: real concurrent HTTP requests, assertions on the database."""

import asyncio
import time
import uuid
from datetime import timedelta
from decimal import Decimal

import httpx
from sqlalchemy import func, select, update

from services.common.database import Database
from services.common.settings import Settings
from services.resources.holds.expiry import expire_due_holds
from services.resources.models import Hold, Offer, OutboxEvent
from tests.resources.factories import hold_request, make_hold, make_offer, make_organization, staff


async def offer_row(db: Database, offer_id: uuid.UUID) -> Offer:
    async with db.sessions() as session:
        offer = await session.get(Offer, offer_id)
        assert offer is not None
        return offer


async def held_by_live_holds(db: Database, offer_id: uuid.UUID) -> Decimal:
    async with db.sessions() as session:
        total = await session.scalar(
            select(func.coalesce(func.sum(Hold.quantity), 0)).where(
                Hold.offer_id == offer_id, Hold.state.in_(("held", "committed"))
            )
        )
    return Decimal(total)


class TestConcurrentHolds:
    async def test_200_requests_for_10_units_give_exactly_10_holds(
        self, settings: Settings, committed_db: Database, committed_client: httpx.AsyncClient
    ) -> None:
        organization = await make_organization(committed_db)
        offer = await make_offer(committed_db, organization, total=10)
        headers = staff(settings)

        started = time.perf_counter()
        responses = await asyncio.gather(
            *(
                committed_client.post("/v1/holds", json=hold_request(settings, offer, quantity=1), headers=headers)
                for _ in range(200)
            )
        )
        elapsed = time.perf_counter() - started
        print(f"\n200 concurrent hold requests took {elapsed:.2f}s")

        statuses = [response.status_code for response in responses]
        assert statuses.count(201) == 10
        assert statuses.count(409) == 190
        refused = [r.json() for r in responses if r.status_code == 409]
        assert {body["code"] for body in refused} == {"OVER_ALLOCATED"}
        row = await offer_row(committed_db, offer.id)
        assert (row.total, row.held, row.delivered) == (10, 10, 0)
        assert row.total - row.held - row.delivered == 0
        assert row.status == "exhausted"
        assert await held_by_live_holds(committed_db, offer.id) == 10
        async with committed_db.sessions() as session:
            events = await session.scalar(
                select(func.count()).select_from(OutboxEvent).where(OutboxEvent.event_type == "hold.held")
            )
        assert events == 10

    async def test_mixed_holds_releases_and_expiries_keep_available_exact(
        self, settings: Settings, committed_db: Database, committed_client: httpx.AsyncClient
    ) -> None:
        organization = await make_organization(committed_db)
        offer = await make_offer(committed_db, organization, total=10)
        releasable = [await make_hold(committed_db, offer, quantity=1) for _ in range(3)]
        overdue = [await make_hold(committed_db, offer, quantity=1, expires_in=timedelta(seconds=-1)) for _ in range(3)]
        headers = staff(settings)

        results = await asyncio.gather(
            *(
                committed_client.post("/v1/holds", json=hold_request(settings, offer, quantity=1), headers=headers)
                for _ in range(60)
            ),
            *(committed_client.post(f"/v1/holds/{h.id}/release", headers=headers) for h in releasable),
            expire_due_holds(committed_db),
            expire_due_holds(committed_db),
        )

        responses = [r for r in results if isinstance(r, httpx.Response)]
        assert {r.status_code for r in responses} <= {200, 201, 409}
        assert [r.status_code for r in responses[60:]] == [200, 200, 200]
        assert sum(r for r in results if isinstance(r, int)) == len(overdue)
        row = await offer_row(committed_db, offer.id)
        assert row.held >= 0 and row.total - row.held - row.delivered >= 0
        assert row.held == await held_by_live_holds(committed_db, offer.id)
        created = [r for r in responses[:60] if r.status_code == 201]
        assert len(created) == row.held  # whatever came back was handed out again, and no more
        assert 4 <= len(created) <= 10  # 4 were free at once; 6 more came back during the run

    async def test_retried_hold_with_the_same_key_returns_the_same_hold(
        self, settings: Settings, committed_db: Database, committed_client: httpx.AsyncClient
    ) -> None:
        organization = await make_organization(committed_db)
        offer = await make_offer(committed_db, organization, total=10)
        headers = {
            **staff(settings),
            "Idempotency-Key": "hold-1",
        }
        body = hold_request(settings, offer, quantity=2)

        responses = await asyncio.gather(
            *(committed_client.post("/v1/holds", json=body, headers=headers) for _ in range(5))
        )

        assert {r.status_code for r in responses} == {201}
        assert len({r.json()["id"] for r in responses}) == 1
        row = await offer_row(committed_db, offer.id)
        assert row.held == 2


class TestExpiry:
    async def test_two_racing_workers_return_quantity_exactly_once(self, committed_db: Database) -> None:
        organization = await make_organization(committed_db)
        offer = await make_offer(committed_db, organization, total=10)
        overdue = [await make_hold(committed_db, offer, quantity=2, expires_in=timedelta(seconds=-5)) for _ in range(4)]
        live = await make_hold(committed_db, offer, quantity=1)

        counts = await asyncio.gather(expire_due_holds(committed_db), expire_due_holds(committed_db))

        assert sum(counts) == len(overdue)
        row = await offer_row(committed_db, offer.id)
        assert row.held == 1
        async with committed_db.sessions() as session:
            states = dict((await session.execute(select(Hold.id, Hold.state).where(Hold.offer_id == offer.id))).all())
            events = await session.scalar(
                select(func.count()).select_from(OutboxEvent).where(OutboxEvent.event_type == "hold.expired")
            )
        assert states[live.id] == "held"
        assert [states[h.id] for h in overdue] == ["expired"] * 4
        assert events == 4
        assert await expire_due_holds(committed_db) == 0  # a later run finds nothing more

    async def test_release_racing_expiry_returns_quantity_once(
        self, settings: Settings, committed_db: Database, committed_client: httpx.AsyncClient
    ) -> None:
        organization = await make_organization(committed_db)
        offer = await make_offer(committed_db, organization, total=5)
        hold = await make_hold(committed_db, offer, quantity=3)
        async with committed_db.sessions() as session:
            await session.execute(
                update(Hold).where(Hold.id == hold.id).values(expires_at=func.now() - timedelta(seconds=1))
            )
            await session.commit()
        headers = staff(settings)

        release, expired = await asyncio.gather(
            committed_client.post(f"/v1/holds/{hold.id}/release", headers=headers),
            expire_due_holds(committed_db),
        )

        # Releasing an expired hold is a repeat (200, state expired); either way the quantity comes back once.
        assert release.status_code == 200
        assert (release.json()["state"] == "released") != (expired == 1)
        row = await offer_row(committed_db, offer.id)
        assert row.held == 0
