"""Fault tests with real processes: kill a service (or the gateway) between try and confirm.

The gateway here pauses for a few seconds after confirmMatch's try phase (a test-only setting),
so the test can SIGKILL a process exactly there. After recovery and the services' own expiry,
the offer's quantity, the need's state and the fund ledger must agree with what a person would
expect, and nothing may be counted twice.
"""

import asyncio
import signal
import threading
import time
from collections.abc import AsyncIterator, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway.ids import to_global_id
from services.common.migrations import upgrade_all
from services.common.settings import Settings
from tests.case.factories import make_id_number
from tests.resources.factories import credit_code
from tests.support.auth import bearer
from tests.support.database import create_database, drop_database
from tests.support.stack import started_stack
from wushe_cli.stack import Stack

pytestmark = pytest.mark.e2e

PAUSE_S, HOLD_TTL_S = 3, 10
ENV = {
    "WUSHE_ENVIRONMENT": "test",
    "WUSHE_TEST_PAUSE_AFTER_TRY_S": str(PAUSE_S),
    "WUSHE_MATCH_HOLD_TTL_S": str(HOLD_TTL_S),
    "WUSHE_EXPIRY_INTERVAL_S": "1",
}
CONFIRM = """mutation($need: ID!, $offer: ID!, $key: String!) { confirmMatch(needId: $need, offerId: $offer, idempotencyKey: $key) {
  __typename ... on MatchConfirmed { need { state } holdId } ... on OfferExhausted { code } ... on NeedAlreadyMatched { message } } }"""


@pytest.fixture(scope="module")
async def fault_database(server_url: str) -> AsyncIterator[str]:
    url = await create_database(server_url, "wushe_faults")
    await asyncio.to_thread(upgrade_all, url)
    yield url
    await drop_database(server_url, url)


@pytest.fixture(scope="module")
def fault_stack(fault_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with started_stack(fault_database, tmp_path_factory.mktemp("fault-logs"), ENV) as stack:
        yield stack


class Scene:
    """A station with one open micro-wish, and a verified charity offering 5 of the item."""

    def __init__(self, stack: Stack, settings: Settings, n: int) -> None:
        self.stack, self.settings = stack, settings
        admin = bearer(settings, "civil_affairs_admin", region="15")
        case = stack.url("case")
        centre = self._post(
            f"{case}/v1/platforms", admin, {"name": f"中心{n}", "level": "county_centre", "region_code": "150781"}
        )
        centre_staff = bearer(settings, "centre_staff", platform_id=centre["id"])
        station = self._post(
            f"{case}/v1/platforms",
            centre_staff,
            {"name": f"站{n}", "level": "station", "parent_id": centre["id"], "region_code": "150781001"},
        )
        self.station = bearer(settings, "station_staff", platform_id=station["id"], region="150781")
        birth = date(1945, 3, n)
        recipient = self._post(
            f"{case}/v1/recipients",
            self.station,
            {
                "platform_id": station["id"],
                "region_code": "150781001",
                "name": "王秀英",
                "gender": "female",
                "birth_date": birth.isoformat(),
                "categories": ["elderly", "empty_nest"],
                "id_number": make_id_number("150781", birth, 900 + n),
                "consent": {"given_by": "本人", "given_at": "2026-11-01T00:00:00Z", "purpose": "救助"},
            },
        )
        opened = self._post(f"{case}/v1/cases", self.station, {"recipient_id": recipient["id"], "domain": "elderly"})
        self._post(f"{case}/v1/cases/{opened['id']}/transitions", self.station, {"to_state": "assessment"})
        self.need = self._post(
            f"{case}/v1/needs",
            self.station,
            {"case_id": opened["id"], "kind": "micro_wish", "title": "棉被", "item_category": "bedding", "quantity": 1},
        )
        resources = stack.url("resources")
        org = self._post(
            f"{resources}/v1/organizations",
            admin,
            {
                "kind": "charity",
                "name": f"慈善会{n}",
                "credit_code": credit_code("150781"),
                "contact_name": "赵",
                "contact_phone": "13900001111",
                "service_regions": ["150781"],
            },
        )
        self._post(f"{resources}/v1/organizations/{org['id']}/verify", admin, None)
        org_staff = bearer(settings, "org_staff", org_id=org["id"])
        offer = self._post(
            f"{resources}/v1/offers",
            org_staff,
            {"kind": "material", "title": "棉被", "category": "bedding", "quantity": 5, "region_prefix": "150781"},
        )
        self.offer = self._post(f"{resources}/v1/offers/{offer['id']}/publish", org_staff, None)

    @staticmethod
    def _post(url: str, headers: dict[str, str], body: Any) -> dict[str, Any]:
        response = httpx.post(url, headers=headers, json=body if body is not None else {}, timeout=10)
        assert response.status_code < 300, (url, response.text)
        return dict(response.json())

    def offer_units(self) -> dict[str, Any]:
        offer = httpx.get(
            f"{self.stack.url('resources')}/v1/offers/{self.offer['id']}", headers=self.station, timeout=10
        ).json()
        return dict(offer["units"])

    def need_state(self) -> str:
        return str(
            httpx.get(f"{self.stack.url('case')}/v1/needs/{self.need['id']}", headers=self.station, timeout=10).json()[
                "state"
            ]
        )

    def confirm_in_background(self, key: str) -> dict[str, Any]:
        """Start confirmMatch; returns a dict that fills with the response (or the error) when it ends."""
        outcome: dict[str, Any] = {}

        def run() -> None:
            try:
                outcome["response"] = httpx.post(
                    f"{self.stack.url('gateway')}/graphql",
                    headers=self.station,
                    timeout=60,
                    json={
                        "query": CONFIRM,
                        "variables": {
                            "need": to_global_id("Need", self.need["id"]),
                            "offer": to_global_id("Offer", self.offer["id"]),
                            "key": key,
                        },
                    },
                )
            except httpx.HTTPError as exc:
                outcome["error"] = exc

        thread = threading.Thread(target=run)
        thread.start()
        outcome["thread"] = thread
        return outcome

    def confirm(self, key: str) -> dict[str, Any]:
        outcome = self.confirm_in_background(key)
        outcome["thread"].join()
        return dict(outcome["response"].json()["data"]["confirmMatch"])


def _until(check: Any, timeout_s: float, describe: Any) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for expiry: {describe()}"
        time.sleep(0.3)


def _kill(stack: Stack, name: str) -> None:
    process = stack.processes.pop(name)
    process.send_signal(signal.SIGKILL)
    process.wait()


def _restart(stack: Stack, name: str, log_dir: Path) -> None:
    stack.start_process(name, log_dir, ENV)
    stack.wait_ready(60)


def _settled(scene: Scene) -> tuple[dict[str, Any], str]:
    """After the hold's TTL and an expiry tick: the offer's units and the need's state."""
    _until(
        lambda: scene.offer_units()["held"] == 0 and scene.need_state() == "open",
        HOLD_TTL_S + 15,
        lambda: (scene.offer_units(), scene.need_state()),
    )
    return scene.offer_units(), scene.need_state()


@pytest.mark.parametrize("victim", ["resources", "case", "gateway"])
def test_killed_between_try_and_confirm_leaves_nothing_stuck_or_counted_twice(
    fault_stack: Stack, settings: Settings, tmp_path: Path, victim: str
) -> None:
    scene = Scene(fault_stack, settings, {"resources": 1, "case": 2, "gateway": 3}[victim])
    running = scene.confirm_in_background(f"fault-{victim}")
    time.sleep(PAUSE_S / 2)  # inside the pause: the hold is taken and the need is pending
    _kill(fault_stack, victim)
    running["thread"].join(timeout=60)
    _restart(fault_stack, victim, tmp_path)

    units, state = _settled(scene)
    assert (units["total"], units["held"], units["delivered"], units["available"]) == (5, 0, 0, 5)
    assert state == "open"

    # After recovery the match works, and counts once.
    retried = scene.confirm(f"after-{victim}")
    assert retried["__typename"] == "MatchConfirmed" and retried["need"]["state"] == "MATCHED"
    units = scene.offer_units()
    assert (units["held"], units["available"]) == (1, 4)
    again = scene.confirm(f"after-{victim}")  # the same key retried: the same result, nothing more held
    assert again == retried and scene.offer_units()["available"] == 4


FULFIL = """mutation($need: ID!) { recordFulfilment(needId: $need, proofNote: "已送达") {
  __typename ... on Conflict { code } ... on FulfilmentRecorded { need { state } } } }"""


def test_a_match_whose_hold_lapsed_is_refused_at_fulfilment_and_undone_by_a_retry(
    fault_stack: Stack, settings: Settings
) -> None:
    """The state a crash between confirming the need and committing the hold would leave."""
    scene = Scene(fault_stack, settings, 4)
    resources, case = fault_stack.url("resources"), fault_stack.url("case")
    ticket = Scene._post(f"{case}/v1/needs/{scene.need['id']}/ticket", scene.station, None)["ticket"]
    hold = httpx.post(f"{resources}/v1/holds", headers={**scene.station, "Idempotency-Key": "lapse:hold"}, timeout=10, json={
        "need_id": scene.need["id"], "need_ticket": ticket, "offer_id": scene.offer["id"], "quantity": 1,
        "ttl_seconds": HOLD_TTL_S}).json()  # fmt: skip
    reference = f"hold:{hold['id']}"
    Scene._post(
        f"{case}/v1/needs/{scene.need['id']}/hold", scene.station, {"reference": reference, "until": hold["expires_at"]}
    )
    Scene._post(f"{case}/v1/needs/{scene.need['id']}/confirm", scene.station, {"reference": reference})
    _until(lambda: scene.offer_units()["held"] == 0, HOLD_TTL_S + 15, scene.offer_units)  # the hold expired

    need_gid = to_global_id("Need", scene.need["id"])
    fulfil = httpx.post(f"{fault_stack.url('gateway')}/graphql", headers=scene.station, timeout=30,
                        json={"query": FULFIL, "variables": {"need": need_gid}}).json()  # fmt: skip
    assert fulfil["data"]["recordFulfilment"] == {"__typename": "Conflict", "code": "HOLD_LAPSED"}

    retried = scene.confirm("lapse")  # the same key as the hold above: a retry of that match
    assert retried == {"__typename": "OfferExhausted", "code": "HOLD_EXPIRED"}
    assert scene.need_state() == "open" and scene.offer_units()["available"] == 5
