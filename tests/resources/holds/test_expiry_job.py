"""The expiry job as the app runs it: registered as a background job, lapsing offers too."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.common.database import Database
from services.resources.holds.expiry import run_expiry
from services.resources.models import Hold, Offer
from tests.resources.factories import make_hold, make_offer, make_organization


class TestRunExpiry:
    async def test_expires_overdue_holds_and_lapsed_offers(
        self, rolled_back_db: Database, connection: AsyncConnection
    ) -> None:
        organization = await make_organization(rolled_back_db)
        lapsed = await make_offer(rolled_back_db, organization, valid_until=datetime.now(UTC) - timedelta(minutes=1))
        current = await make_offer(rolled_back_db, organization)
        overdue = await make_hold(rolled_back_db, current, quantity=4, expires_in=timedelta(seconds=-1))

        await run_expiry(rolled_back_db)

        statuses = dict((await connection.execute(select(Offer.id, Offer.status))).all())
        assert (statuses[lapsed.id], statuses[current.id]) == ("expired", "published")
        assert await connection.scalar(select(Hold.state).where(Hold.id == overdue.id)) == "expired"
        assert await connection.scalar(select(Offer.held).where(Offer.id == current.id)) == 0
