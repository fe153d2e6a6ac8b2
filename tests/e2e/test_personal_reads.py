"""Audit exactly what was read, through the gateway: the case service shows and audits the personal
fields a GraphQL query selects, and nothing when it selects none."""

import uuid
from datetime import date
from typing import Any

import httpx
import pytest

from gateway.ids import from_global_id, to_global_id
from services.common.settings import Settings
from tests.case.factories import make_id_number
from tests.e2e.test_gateway_case import ADVANCE, CREATE_RECIPIENT, OPEN_CASE, _publish
from tests.e2e.world import World
from tests.support.auth import bearer
from tests.support.graphql import gql

pytestmark = pytest.mark.e2e

NODE = "query($id: ID!) { node(id: $id) { id ... on Recipient { %s } ... on Case { %s } } }"


def _elder_with_case(world: World, n: int, *, advance: bool = False) -> tuple[str, str]:
    birth = date(1941, 2, 1 + n % 28)
    recipient = world.ok(
        CREATE_RECIPIENT,
        {
            "input": {
                "platformId": to_global_id("Platform", world.station_id),
                "regionCode": "150781001",
                "name": f"赵桂兰{n}",
                "gender": "FEMALE",
                "birthDate": birth.isoformat(),
                "categories": ["ELDERLY", "LIVING_ALONE"],
                "idNumber": make_id_number("150781", birth, 600 + n),
                "phone": "13912345678",
                "consent": {"givenBy": "本人", "givenAt": "2026-11-01T00:00:00Z", "purpose": "救助"},
            }
        },
        world.station(),
    )["createRecipient"]["recipient"]["id"]
    case = world.ok(
        OPEN_CASE,
        {"input": {"recipientId": recipient, "domain": "ELDERLY", "summary": f"赵桂兰{n}独居，女儿在外地"}},
        world.station(),
    )["openCase"]["case"]["id"]
    if advance:
        world.ok(ADVANCE, {"id": case, "to": "ASSESSMENT"}, world.station())
    return recipient, case


def _reader(world: World) -> tuple[str, dict[str, str]]:
    subject = f"reader-{uuid.uuid4().hex[:8]}"
    return subject, bearer(
        world.settings, "station_staff", platform_id=world.station_id, region="150781", subject=subject
    )


def _reads_by(world: World, settings: Settings, subject: str) -> list[dict[str, Any]]:
    centre = bearer(settings, "centre_staff", platform_id=world.centre_id, region="150781")
    response = httpx.get(
        f"{world.stack.url('case')}/v1/audit",
        params={"actor": subject, "action": "read_personal"},
        headers=centre,
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return [{"entity": r["entity"], "id": r["entity_id"], "fields": r["fields"]} for r in response.json()["items"]]


def _local(global_id: str) -> str:
    return str(from_global_id(global_id)[1])


class TestRecipientReads:
    def test_selecting_only_name_audits_name(self, world: World, settings: Settings) -> None:
        recipient, _ = _elder_with_case(world, 1)
        subject, reader = _reader(world)
        body = gql(world.stack, NODE % ("name age", "id"), {"id": recipient}, reader)
        assert body["data"]["node"]["name"] == "赵桂兰1", body
        assert _reads_by(world, settings, subject) == [
            {"entity": "recipient", "id": _local(recipient), "fields": ["name"]}
        ]

    def test_selecting_no_personal_field_audits_nothing(self, world: World, settings: Settings) -> None:
        recipient, _ = _elder_with_case(world, 2)
        subject, reader = _reader(world)
        body = gql(world.stack, NODE % ("age categories regionCode masked", "id"), {"id": recipient}, reader)
        assert body["data"]["node"]["categories"] == ["ELDERLY", "LIVING_ALONE"], body
        listed = gql(world.stack, "{ recipients(first: 50) { edges { node { id age } } } }", headers=reader)
        assert recipient in [e["node"]["id"] for e in listed["data"]["recipients"]["edges"]]
        assert _reads_by(world, settings, subject) == []

    def test_a_list_and_a_dashboard_audit_what_they_select(self, world: World, settings: Settings) -> None:
        recipient, case = _elder_with_case(world, 3, advance=True)
        _publish(world, case)  # a need of that case, for the dashboard
        subject, reader = _reader(world)
        listed = gql(
            world.stack,
            '{ recipients(first: 50, filter: {name: "赵桂兰3"}) { nodes { phone idNumber } } }',
            headers=reader,
        )
        assert listed["data"]["recipients"]["nodes"][0]["phone"] == "13912345678", listed
        dashboard = gql(
            world.stack,
            "{ needs(first: 100) { edges { node { title recipient { name } case { state recipient { name } } } } } }",
            headers=reader,
        )
        assert "errors" not in dashboard, dashboard
        reads = _reads_by(world, settings, subject)
        mine = [r for r in reads if r["id"] == _local(recipient)]
        assert mine == [
            {"entity": "recipient", "id": _local(recipient), "fields": ["id_number", "phone"]},
            {"entity": "recipient", "id": _local(recipient), "fields": ["name"]},
        ]
        assert not [r for r in reads if r["entity"] == "case"]  # no summary selected


class TestCaseSummaryReads:
    def test_a_summary_read_writes_one_row_and_none_without_it(self, world: World, settings: Settings) -> None:
        _, case = _elder_with_case(world, 4)
        subject, reader = _reader(world)
        without = gql(world.stack, NODE % ("id", "state domain"), {"id": case}, reader)
        assert without["data"]["node"]["state"] == "INTAKE", without
        assert _reads_by(world, settings, subject) == []
        shown = gql(world.stack, NODE % ("id", "summary"), {"id": case}, reader)
        assert shown["data"]["node"]["summary"] == "赵桂兰4独居，女儿在外地"
        assert _reads_by(world, settings, subject) == [{"entity": "case", "id": _local(case), "fields": ["summary"]}]
