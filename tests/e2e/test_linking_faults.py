"""Fault tests with real processes: kill a service (or the gateway) between try and confirm.

The gateway here pauses for a few seconds after matchOffer's try phase (a test-only setting),
so the test can SIGKILL a process exactly there. After recovery and the services' own expiry,
the offer's quantity, the need's state and the fund ledger must agree with what a person would
expect, and nothing may be counted twice.
"""

import asyncio
import signal
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway.ids import to_global_id
from services.common.migrations import upgrade_all
from services.common.settings import Settings
from tests.support.database import create_database, drop_database
from tests.support.linking import Scene
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
  __typename ... on Conflict { code } ... on HoldLapsed { code } ... on FulfilmentRecorded { need { state } } } }"""


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
    assert fulfil["data"]["recordFulfilment"] == {"__typename": "HoldLapsed", "code": "HOLD_LAPSED"}

    retried = scene.confirm("lapse")  # the same key as the hold above: a retry of that match
    assert retried == {"__typename": "HoldLapsed", "code": "HOLD_EXPIRED"}
    assert scene.need_state() == "open" and scene.offer_units()["available"] == 5
