"""The scope matrix's one list, and how one cell is asked over HTTP.

A cell is (role, resource type, relationship, action). The relationship says where the record
lies from the caller's seat (tests/scope/world.py builds one record of each type at each place);
the action is one of read (GET by id), list (is it in the caller's list), update (PATCH with the
current version) and act (the type's release/confirm-like operation). The expected answer is
one character: 2 (success), 4 (404, out of scope), 3 (403, visible but not allowed), y / n (listed
or not); anything else observed shows as x<status>.
"""

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx

from gateway.ids import to_global_id
from tests.scope.world import Builder, World, activity_body

ACTIONS = ("read", "list", "update", "act")
RELATIONSHIPS = (
    "own",
    "community_room",
    "sibling_station",
    "parent_centre",
    "other_county",
    "county_organisation",
    "other_organisation",
    "other_volunteer",
)
# Where the record of each relationship lies, by the caller's role (None: no such relationship).
OWN = {
    "civil_affairs_admin": "station",
    "centre_staff": "centre",
    "station_staff": "station",
    "community_worker": "room",
    "org_staff": "org1",
    "volunteer": "station",  # the volunteer's own record, assignment and team are at their station
    "app_client": "app",
}


def place_of(role: str, relationship: str) -> str | None:
    if relationship == "own":
        return OWN[role]
    if relationship == "community_room":
        return None if role == "community_worker" else "room"
    if relationship == "parent_centre":
        return None if role == "centre_staff" else "centre"
    if relationship == "county_organisation":
        return None if role == "org_staff" else "org1"
    if relationship == "other_volunteer":
        return "sibling" if role == "volunteer" else None
    return {"sibling_station": "sibling", "other_county": "other_county", "other_organisation": "org2"}[relationship]


@dataclass(frozen=True)
class Resource:
    service: str
    path: str  # collection path; the record is {path}/{id}
    update: dict[str, Any] | None = None  # the PATCH body (harmless: the value the world gave it)
    act: str | None = None  # POST {path}/{id}/{act}
    act_body: dict[str, Any] | None = None
    fresh: bool = False  # the act changes the record for good: an allowed cell acts on a new one
    list_path: str | None = None
    gateway_type: str | None = None  # the GraphQL node type, for the gateway's subset
    record_type: str | None = None  # for audit rows and events: whose records (default: the name)


RESOURCES: dict[str, Resource] = {
    "platform": Resource("case", "/v1/platforms", {"phone": "0470-6220000"}, "ticket", gateway_type="Platform"),
    "recipient": Resource("case", "/v1/recipients", {"categories": ["elderly"]}, gateway_type="Recipient"),
    "case": Resource("case", "/v1/cases", {"risk_level": "low"}, gateway_type="Case"),
    "need": Resource("case", "/v1/needs", {"quantity": 10}, "ticket", gateway_type="Need"),
    "hold": Resource("resources", "/v1/holds", act="release", fresh=True),
    "pledge": Resource("resources", "/v1/pledges"),
    "fund_ledger": Resource("resources", "/v1/funds", act="entries", record_type="fund"),
    "organisation": Resource("resources", "/v1/organizations", {"contact_name": "赵"}, gateway_type="Organization"),
    "offer": Resource("resources", "/v1/offers", {"description": ""}, gateway_type="Offer"),
    "volunteer": Resource("volunteers", "/v1/volunteers", {"languages": ["zh"]}, gateway_type="Volunteer"),
    "team": Resource("volunteers", "/v1/teams", {"name": "互助队"}),
    "activity": Resource("volunteers", "/v1/activities", {"place": "活动室"}, "cancel", {}, fresh=True),
    "care_assignment": Resource("volunteers", "/v1/assignments", record_type="assignment"),
    "audit_case": Resource("case", "/v1/audit", record_type="need"),
    "audit_resources": Resource("resources", "/v1/audit", record_type="hold"),
    "audit_volunteers": Resource("volunteers", "/v1/audit", record_type="volunteer"),
    "events_case": Resource("case", "/v1/events", record_type="need"),
    "events_resources": Resource("resources", "/v1/events", record_type="hold"),
    "events_volunteers": Resource("volunteers", "/v1/events", record_type="volunteer"),
}
FEEDS = {"audit_case", "audit_resources", "audit_volunteers", "events_case", "events_resources", "events_volunteers"}
DONATION = {"kind": "donation", "amount": "1.00", "donor_name": "李华", "donor_is_individual": True, "reference": "R1"}


def code(status: int) -> str:
    return {200: "2", 201: "2", 403: "3", 404: "4"}.get(status, f"x{status}")


class Asker:
    """Asks cells over one httpx client; lists and feeds are read once per (resource, role)."""

    def __init__(self, world: World, client: httpx.AsyncClient) -> None:
        self.w, self.client = world, client
        self.listed: dict[tuple[str, str], set[str] | str] = {}
        self.builder = Builder(world, client)

    def record_id(self, resource: str, place: str) -> str | None:
        spec = RESOURCES[resource]
        kind = spec.record_type or resource
        if kind == "platform":
            found = self.w.places.get(place)
            return found.id if found and place not in ("org1", "org2", "app") else None
        return self.w.records.get((kind, place))

    async def ask(self, role: str, resource: str, place: str, action: str) -> str:
        spec, headers = RESOURCES[resource], self.w.callers[role]
        record = self.record_id(resource, place)
        assert record is not None
        if resource in FEEDS:
            return await self._in_feed(role, resource, record)
        if resource == "fund_ledger":
            return await self._fund(role, record, action)
        url = self.w.url(spec.service, f"{spec.path}/{record}")
        if action == "read":
            return code((await self.client.get(url, headers=headers)).status_code)
        if action == "list":
            return await self._in_list(role, resource, record)
        if action == "update":
            current = (await self.client.get(url, headers=self.w.root)).json()
            if_match = {"If-Match": f'"{current["version"]}"'}
            return code((await self.client.patch(url, json=spec.update, headers={**headers, **if_match})).status_code)
        return await self._act(role, resource, place, record, expect_success=False)

    async def act(self, role: str, resource: str, place: str, expected: str) -> str:
        record = self.record_id(resource, place)
        assert record is not None
        if resource == "fund_ledger":
            return await self._fund(role, record, "act")
        if RESOURCES[resource].fresh and expected == "2":
            record = await self.fresh(resource, place)
        return await self._act(role, resource, place, record, expect_success=expected == "2")

    async def _act(self, role: str, resource: str, place: str, record: str, *, expect_success: bool) -> str:
        spec = RESOURCES[resource]
        url = self.w.url(spec.service, f"{spec.path}/{record}/{spec.act}")
        response = await self.client.post(url, json=spec.act_body, headers=self.w.callers[role])
        return code(response.status_code)

    async def fresh(self, resource: str, place: str) -> str:
        """A new record like the world's, for an action that may succeed only once."""
        owner = self.w.places["station" if place == "room" else place]
        if resource == "hold":
            offer = self.w.records[("offer", "org2" if place == "other_county" else "org1")]
            return await self.builder.hold(place, owner, offer)
        ticket = (await self.builder.post("case", f"/v1/platforms/{owner.id}/ticket", owner.headers))["ticket"]
        place_owner = self.w.places[place]
        if place_owner.id != owner.id:
            ticket = (await self.builder.post("case", f"/v1/platforms/{place_owner.id}/ticket", owner.headers))[
                "ticket"
            ]
        created = await self.builder.post(
            "volunteers", "/v1/activities", owner.headers, activity_body(place_owner, ticket)
        )
        return str(created["id"])

    async def _in_list(self, role: str, resource: str, record: str) -> str:
        key = (resource, role)
        if key not in self.listed:
            spec = RESOURCES[resource]
            response = await self.client.get(
                self.w.url(spec.service, spec.list_path or spec.path),
                params={"limit": 100},
                headers=self.w.callers[role],
            )
            ids = {str(item["id"]) for item in response.json()["items"]} if response.status_code == 200 else None
            self.listed[key] = ids if ids is not None else code(response.status_code)
        listed = self.listed[key]
        return listed if isinstance(listed, str) else ("y" if record in listed else "n")

    async def _in_feed(self, role: str, resource: str, record: str) -> str:
        key = (resource, role)
        if key not in self.listed:
            spec = RESOURCES[resource]
            headers, seen, after = self.w.callers[role], set(), "0"
            while True:
                params = {"after": after, "limit": 500}
                response = await self.client.get(self.w.url(spec.service, spec.path), params=params, headers=headers)
                if response.status_code != 200:
                    self.listed[key] = code(response.status_code)
                    break
                page = response.json()
                field = "entity_id" if resource.startswith("audit") else "aggregate_id"
                seen |= {str(item[field]) for item in page["items"]}
                if not page["items"] or (page.get("has_more") is False and resource.startswith("events")):
                    self.listed[key] = seen
                    break
                after = str(page["next_after"])
        listed = self.listed[key]
        return listed if isinstance(listed, str) else ("y" if record in listed else "n")

    async def _fund(self, role: str, fund: str, action: str) -> str:
        url = self.w.url("resources", f"/v1/funds/{fund}/entries")
        if action == "read":
            return code((await self.client.get(url, headers=self.w.callers[role])).status_code)
        return code((await self.client.post(url, json=DONATION, headers=self.w.callers[role])).status_code)

    async def node(self, role: str, resource: str, place: str) -> str:
        """The gateway's answer to `node(id)`: 2 when it shows the record, 4 when null."""
        spec, record = RESOURCES[resource], self.record_id(resource, place)
        assert spec.gateway_type is not None and record is not None
        query = "query($id: ID!) { node(id: $id) { id } }"
        variables = {"id": to_global_id(spec.gateway_type, uuid.UUID(record))}
        response = await self.client.post(
            f"{self.w.stack.url('gateway')}/graphql",
            json={"query": query, "variables": variables},
            headers=self.w.callers[role],
        )
        body = response.json()
        if body.get("errors"):
            return f"x{body['errors'][0].get('extensions', {}).get('code', '')}"
        return "2" if body["data"]["node"] else "4"


Ask = Callable[[], Awaitable[str]]
