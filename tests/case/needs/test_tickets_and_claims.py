"""The case service vouches for a need's owner and region in sealed tickets, and a donor's claim
reserves a wish only with the resources service's receipt for a pledge, for the platform's claim period."""

import base64
import uuid
from datetime import timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from services.case.models import Need
from services.common.auth import Principal
from services.common.clock import clock
from services.common.settings import Settings
from services.common.tickets import NeedTicket, PledgeReceipt, seal, unseal
from services.common.vocabulary import Role
from tests.case.factories import make_case, make_need, make_platform, make_recipient, make_tree
from tests.support.auth import bearer


async def _wish(session: AsyncSession) -> tuple[dict, Need]:  # type: ignore[type-arg]
    tree = await make_tree(session)
    recipient = await make_recipient(session, platform=tree["room"])
    case = await make_case(session, recipient=recipient, state="intervention")
    return tree, await make_need(session, case=case)


def app(settings: Settings, subject: str = "wechat-app") -> dict[str, str]:
    return bearer(settings, "app_client", scopes=["wishes:read", "wishes:claim"], subject=subject)


class TestNeedTicket:
    async def test_staff_of_the_subtree_get_a_sealed_ticket_naming_owner_and_region(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        tree, need = await _wish(session)
        station = bearer(settings, "station_staff", platform_id=tree["station"].id, subject="staff-1")
        response = await client.post(f"/v1/needs/{need.id}/ticket", headers=station)
        assert response.status_code == 200
        ticket = unseal(NeedTicket, response.json()["ticket"], Principal("staff-1", Role.STATION_STAFF), settings)
        assert ticket.need_id == need.id and ticket.platform_id == tree["room"].id
        assert ticket.platform_path == f"/{tree['centre'].id}/{tree['station'].id}/{tree['room'].id}/"
        assert ticket.region_code == need.region_code == "150781001001"

    async def test_outside_the_subtree_there_is_no_ticket(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        tree, need = await _wish(session)
        sibling = await make_platform(session, parent=tree["centre"], region_code="150781002")
        for headers in (
            bearer(settings, "station_staff", platform_id=sibling.id, region="150781"),
            bearer(settings, "civil_affairs_admin", region="15"),  # reads, never holds
            app(settings),
        ):
            response = await client.post(f"/v1/needs/{need.id}/ticket", headers=headers)
            assert response.status_code in (403, 404)


class TestClaim:
    async def test_a_claimant_gets_a_ticket_the_app_cannot_read(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        _, need = await _wish(session)
        response = await client.post(f"/v1/public-wishes/{need.id}/ticket", headers=app(settings))
        assert response.status_code == 200
        # Encrypted, not only signed: decoding the token reveals neither the township nor the need.
        sealed = base64.urlsafe_b64decode(response.json()["ticket"] + "==")
        assert need.region_code.encode() not in sealed and str(need.id).encode() not in sealed
        no_scope = bearer(settings, "app_client", scopes=["wishes:read"])
        assert (await client.post(f"/v1/public-wishes/{need.id}/ticket", headers=no_scope)).status_code == 403

    async def test_only_a_pledge_receipt_claims_and_the_platform_sets_how_long(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        _, need = await _wish(session)
        url = f"/v1/public-wishes/{need.id}/claim"
        free_lock = {"reference": "hold:anything", "until": "2199-01-01T00:00:00Z"}
        assert (await client.post(url, json=free_lock, headers=app(settings))).status_code == 422
        for receipt in (
            "forged",
            seal(PledgeReceipt(need.id, uuid.uuid4(), "another-app"), settings),  # someone else's
            seal(PledgeReceipt(uuid.uuid4(), uuid.uuid4(), "wechat-app"), settings),  # another wish's
        ):
            response = await client.post(url, json={"receipt": receipt}, headers=app(settings))
            assert response.status_code == 422 and response.json()["code"] == "TICKET_INVALID"
        await session.refresh(need)
        assert need.state == "open"

        hold_id = uuid.uuid4()
        receipt = seal(PledgeReceipt(need.id, hold_id, "wechat-app"), settings)
        claimed = await client.post(url, json={"receipt": receipt}, headers=app(settings))
        assert claimed.status_code == 200 and claimed.json()["state"] == "pending"
        await session.refresh(need)
        assert need.pending_reference == f"hold:{hold_id}"
        assert need.pending_until is not None
        assert need.pending_until <= clock.now() + timedelta(seconds=settings.claim_ttl_s)
        again = await client.post(url, json={"receipt": receipt}, headers=app(settings))
        assert again.status_code == 200  # a retry of the same claim
