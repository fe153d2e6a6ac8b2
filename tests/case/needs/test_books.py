"""The books of a need (issue 17): what it still lacks, funding met in parts, and no new link for a
need whose case is closed or referred away, nor a donor's claim of a care need."""

import uuid
from datetime import timedelta
from decimal import Decimal

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from services.case.models import Need
from services.common.auth import Principal
from services.common.clock import clock, iso_utc
from services.common.settings import Settings
from services.common.tickets import NeedTicket, PledgeReceipt, seal, unseal
from services.common.vocabulary import Role
from tests.case.factories import make_case, make_need, make_recipient, make_tree
from tests.support.auth import bearer


async def _need(session: AsyncSession, *, case_state: str = "intervention", **fields: object) -> tuple[dict, Need]:  # type: ignore[type-arg]
    tree = await make_tree(session)
    recipient = await make_recipient(session, platform=tree["room"])
    case = await make_case(session, recipient=recipient, state=case_state)
    return tree, await make_need(session, case=case, **fields)


def staff(settings: Settings, tree: dict, subject: str = "staff-1") -> dict[str, str]:  # type: ignore[type-arg]
    return bearer(settings, "station_staff", platform_id=tree["station"].id, subject=subject)


def app(settings: Settings) -> dict[str, str]:
    return bearer(settings, "app_client", scopes=["wishes:read", "wishes:claim"], subject="wechat-app")


async def reserve_and_confirm(
    client: httpx.AsyncClient, headers: dict[str, str], need: Need, reference: str, amount: str
) -> httpx.Response:
    until = iso_utc(clock.now() + timedelta(minutes=15))
    held = await client.post(
        f"/v1/needs/{need.id}/hold", json={"reference": reference, "until": until}, headers=headers
    )
    assert held.status_code == 200, held.text
    return await client.post(
        f"/v1/needs/{need.id}/confirm", json={"reference": reference, "amount": amount}, headers=headers
    )


class TestFundingInParts:
    async def test_a_need_of_800_met_with_500_stays_open_for_300_and_is_matched_by_the_last_part(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        tree, need = await _need(session, kind="funding", amount=Decimal("800.00"))
        headers = staff(settings, tree)
        first = await reserve_and_confirm(client, headers, need, "hold:a", "500.00")
        assert first.status_code == 200, first.text
        body = first.json()
        assert body["state"] == "open" and body["matched_reference"] is None
        assert body["lacking_amount"] == "300.00"
        assert body["parts"] == [{"reference": "hold:a", "amount": "500.00"}]
        again = await client.post(
            f"/v1/needs/{need.id}/confirm", json={"reference": "hold:a", "amount": "500.00"}, headers=headers
        )
        assert again.json()["parts"] == body["parts"]  # a retried confirmation counts once

        too_much = await reserve_and_confirm(client, headers, need, "hold:b", "300.01")
        assert too_much.status_code == 409 and too_much.json()["code"] == "EXCEEDS_NEED"
        await client.post(f"/v1/needs/{need.id}/release", json={"reference": "hold:b"}, headers=headers)

        last = await reserve_and_confirm(client, headers, need, "hold:c", "300.00")
        assert last.json()["state"] == "matched" and last.json()["matched_reference"] == "hold:c"
        assert last.json()["lacking_amount"] == "0.00" and len(last.json()["parts"]) == 2

        undone = await client.post(f"/v1/needs/{need.id}/release", json={"reference": "hold:a"}, headers=headers)
        assert undone.json()["state"] == "open" and undone.json()["lacking_amount"] == "500.00"

    async def test_the_ticket_says_what_the_need_still_lacks(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        tree, need = await _need(session, kind="funding", amount=Decimal("800.00"))
        headers = staff(settings, tree)
        await reserve_and_confirm(client, headers, need, "hold:a", "500.00")
        response = await client.post(f"/v1/needs/{need.id}/ticket", headers=headers)
        ticket = unseal(NeedTicket, response.json()["ticket"], Principal("staff-1", Role.STATION_STAFF), settings)
        assert (ticket.lacking, ticket.need_kind, ticket.title) == ("300.00", "funding", "一台收音机")

    async def test_a_micro_wish_ticket_lacks_its_quantity(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        tree, need = await _need(session, quantity=1)
        response = await client.post(f"/v1/needs/{need.id}/ticket", headers=staff(settings, tree))
        ticket = unseal(NeedTicket, response.json()["ticket"], Principal("staff-1", Role.STATION_STAFF), settings)
        assert ticket.lacking == "1"


class TestNoLinkOnAClosedCase:
    @pytest.mark.parametrize("case_state", ["closed", "referred", "follow_up"])
    async def test_no_ticket_no_reservation_no_claim(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, case_state: str
    ) -> None:
        tree, need = await _need(session, case_state=case_state)
        headers = staff(settings, tree)
        ticket = await client.post(f"/v1/needs/{need.id}/ticket", headers=headers)
        assert ticket.status_code == 409 and ticket.json()["code"] == "CASE_NOT_ACTIVE"
        until = iso_utc(clock.now() + timedelta(minutes=15))
        held = await client.post(
            f"/v1/needs/{need.id}/hold", json={"reference": "hold:x", "until": until}, headers=headers
        )
        assert held.status_code == 409 and held.json()["code"] == "CASE_NOT_ACTIVE"
        public = await client.post(f"/v1/public-wishes/{need.id}/ticket", headers=app(settings))
        assert public.status_code == 409 and public.json()["code"] == "CASE_NOT_ACTIVE"
        receipt = seal(PledgeReceipt(need.id, uuid.uuid4(), "wechat-app"), settings)
        claimed = await client.post(
            f"/v1/public-wishes/{need.id}/claim", json={"receipt": receipt}, headers=app(settings)
        )
        assert claimed.status_code == 409 and claimed.json()["code"] == "CASE_NOT_ACTIVE"
        await session.refresh(need)
        assert need.state == "open"


class TestClaimsOnlyForWhatDonorsGive:
    async def test_a_care_need_is_not_claimable(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:
        _, need = await _need(session, kind="care")
        public = await client.post(f"/v1/public-wishes/{need.id}/ticket", headers=app(settings))
        assert public.status_code == 409 and public.json()["code"] == "NOT_CLAIMABLE"
        receipt = seal(PledgeReceipt(need.id, uuid.uuid4(), "wechat-app"), settings)
        claimed = await client.post(
            f"/v1/public-wishes/{need.id}/claim", json={"receipt": receipt}, headers=app(settings)
        )
        assert claimed.status_code == 409 and claimed.json()["code"] == "NOT_CLAIMABLE"
