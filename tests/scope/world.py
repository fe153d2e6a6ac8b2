"""One world for the scope matrix, built over HTTP on a running stack.

Two counties (a centre, two stations and a community room under the first station each), two
organisations (one serving each county), two volunteers (one at each station of county A), and
at every place the records each service keeps: recipients, cases, needs, holds, pledges,
volunteers, teams, activities, care assignments, offers and funds. Each record is made by the
staff of its own place (with the case service's tickets, as the gateway does), so the audit rows
and events it leaves carry its scope.

Places are named from county A's first station: `room` (its community room), `station`,
`sibling` (the other station of the county), `centre` (the county centre), `other_county` (a
station of county B); `org1`/`org2` for the organisations, `app` for what the app client made.
"""

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import httpx

from services.common.settings import Settings
from services.common.tickets import NeedTicket, seal
from tests.case.factories import make_id_number
from tests.resources.factories import credit_code
from tests.support.auth import bearer
from wushe_cli.stack import Stack

COUNTY_A, COUNTY_B = "150781", "150782"
ROLES = (
    "civil_affairs_admin",
    "centre_staff",
    "station_staff",
    "community_worker",
    "org_staff",
    "volunteer",
    "app_client",
)
APP_SCOPES = ["wishes:read", "wishes:claim", "events:read"]


@dataclass
class Place:
    id: str
    path: str
    region: str
    headers: dict[str, str]
    subject: str


@dataclass
class World:
    """Ids of every record by (resource type, place), and the callers' headers by role."""

    stack: Stack
    settings: Settings
    callers: dict[str, dict[str, str]] = field(default_factory=dict)
    places: dict[str, Place] = field(default_factory=dict)
    records: dict[tuple[str, str], str] = field(default_factory=dict)
    root: dict[str, str] = field(default_factory=dict)

    def url(self, service: str, path: str) -> str:
        return f"{self.stack.url(service)}{path}"


class Builder:
    def __init__(self, world: World, client: httpx.AsyncClient) -> None:
        self.w, self.client = world, client
        self.serial = 0

    async def post(self, service: str, path: str, headers: dict[str, str], body: Any = None) -> dict[str, Any]:
        response = await self.client.post(self.w.url(service, path), headers=headers, json=body or {})
        assert response.status_code < 300, (service, path, response.status_code, response.text)
        return dict(response.json())

    def _staff(self, role: str, platform: dict[str, Any], region: str, parent: Place | None = None) -> Place:
        subject = f"{role}-{platform['id']}"
        headers = bearer(self.w.settings, role, platform_id=platform["id"], region=region, subject=subject)
        path = f"{parent.path if parent else '/'}{platform['id']}/"
        return Place(platform["id"], path, platform["region_code"], headers, subject)

    async def platform(self, creator: dict[str, str], level: str, region: str, parent: Place | None) -> dict[str, Any]:
        body: dict[str, Any] = {"name": f"平台{region}{level[:2]}", "level": level, "region_code": region}
        if parent is not None:
            body["parent_id"] = parent.id
        return await self.post("case", "/v1/platforms", creator, body)

    async def county(self, code: str, prefix: str) -> None:
        admin = self.w.root
        centre = await self.platform(admin, "county_centre", code, None)
        self.w.places[f"{prefix}centre"] = c = self._staff("centre_staff", centre, code)
        s1 = await self.platform(c.headers, "station", f"{code}001", c)
        s2 = await self.platform(c.headers, "station", f"{code}002", c)
        self.w.places[f"{prefix}station"] = s = self._staff("station_staff", s1, f"{code}001", c)
        self.w.places[f"{prefix}sibling"] = self._staff("station_staff", s2, f"{code}002", c)
        room = await self.platform(s.headers, "community_room", f"{code}001001", s)
        self.w.places[f"{prefix}room"] = self._staff("community_worker", room, f"{code}001", s)

    async def case_records(self, name: str, place: Place) -> None:
        self.serial += 1
        birth = date(1944, 1, 1) + timedelta(days=self.serial)
        recipient = await self.post(
            "case",
            "/v1/recipients",
            place.headers,
            {
                "platform_id": place.id,
                "region_code": place.region,
                "name": "王秀英",
                "gender": "female",
                "birth_date": birth.isoformat(),
                "categories": ["elderly"],
                "id_number": make_id_number(place.region[:6], birth, 100 + self.serial),
                "address": "幸福小区3号楼",
                "consent": {"given_by": "本人", "given_at": "2026-11-01T00:00:00Z", "purpose": "救助"},
            },
        )
        opened = await self.post(
            "case", "/v1/cases", place.headers, {"recipient_id": recipient["id"], "domain": "elderly"}
        )
        await self.post("case", f"/v1/cases/{opened['id']}/transitions", place.headers, {"to_state": "assessment"})
        need = await self.post(
            "case",
            "/v1/needs",
            place.headers,
            {
                "case_id": opened["id"],
                "kind": "micro_wish",
                "title": "棉被",
                "item_category": "bedding",
                "quantity": 10,
            },
        )
        care = await self.post(
            "case",
            "/v1/needs",
            place.headers,
            {"case_id": opened["id"], "kind": "care", "title": "每周探访", "visits_per_month": 4, "visit_minutes": 60},
        )
        self.w.records.update(
            {("recipient", name): recipient["id"], ("case", name): opened["id"], ("need", name): need["id"]}
        )
        self.w.records[("care_need", name)] = care["id"]

    async def organisation(self, name: str, region: str) -> None:
        org = await self.post(
            "resources",
            "/v1/organizations",
            self.w.root,
            {
                "kind": "charity",
                "name": f"慈善会{region}",
                "credit_code": credit_code(region),
                "contact_name": "赵",
                "contact_phone": "13900001111",
                "service_regions": [region],
            },
        )
        await self.post("resources", f"/v1/organizations/{org['id']}/verify", self.w.root)
        staff = bearer(self.w.settings, "org_staff", org_id=org["id"], subject=f"org-{org['id']}")
        self.w.places[name] = Place(org["id"], "", region, staff, f"org-{org['id']}")
        offer = await self.post(
            "resources",
            "/v1/offers",
            staff,
            {"kind": "material", "title": "棉被", "category": "bedding", "quantity": 50, "region_prefix": region},
        )
        await self.post("resources", f"/v1/offers/{offer['id']}/publish", staff)
        fund = await self.post(
            "resources",
            "/v1/offers",
            staff,
            {"kind": "fund", "title": "助老金", "amount": "1000.00", "region_prefix": region},
        )
        await self.post("resources", f"/v1/offers/{fund['id']}/publish", staff)
        self.w.records.update(
            {("organisation", name): org["id"], ("offer", name): offer["id"], ("fund", name): fund["id"]}
        )

    async def hold(self, name: str, place: Place, offer_id: str) -> str:
        need_id = self.w.records[("need", name)]
        ticket = await self.post("case", f"/v1/needs/{need_id}/ticket", place.headers)
        hold = await self.post(
            "resources",
            "/v1/holds",
            place.headers,
            {"need_id": need_id, "need_ticket": ticket["ticket"], "offer_id": offer_id, "quantity": 1},
        )
        return str(hold["id"])

    async def pledge(self, name: str, place: Place, pledger: dict[str, str], subject: str) -> str:
        """A donor's pledge on the place's wish; the ticket is sealed here as the case service seals
        a public wish's (the wish's publication is not what the matrix is about)."""
        need_id = self.w.records[("need", name)]
        ticket = seal(
            NeedTicket(uuid.UUID(need_id), uuid.UUID(place.id), place.path, place.region, subject), self.w.settings
        )
        body = {
            "need_id": need_id,
            "need_ticket": ticket,
            "donor_name": "李华",
            "donor_contact": "13912345678",
            "title": "一床棉被",
            "category": "bedding",
            "quantity": 1,
        }
        return str((await self.post("resources", "/v1/pledges", pledger, body))["id"])

    async def volunteer_records(self, name: str, place: Place) -> None:
        ticket = (await self.post("case", f"/v1/platforms/{place.id}/ticket", place.headers))["ticket"]
        self.serial += 1
        birth = date(1980, 1, 1) + timedelta(days=self.serial)
        volunteer = await self.post(
            "volunteers",
            "/v1/volunteers",
            place.headers,
            {
                "platform_id": place.id,
                "name": "巴特尔",
                "phone": "13912345678",
                "id_number": make_id_number(place.region[:6], birth, 200 + self.serial),
                "region": place.region,
                "platform_ticket": ticket,
            },
        )
        team = await self.post(
            "volunteers",
            "/v1/teams",
            place.headers,
            {"name": "互助队", "platform_id": place.id, "region": place.region, "platform_ticket": ticket},
        )
        await self.post(
            "volunteers", f"/v1/teams/{team['id']}/members", place.headers, {"volunteer_id": volunteer["id"]}
        )
        activity = await self.post("volunteers", "/v1/activities", place.headers, activity_body(place, ticket))
        self.w.records.update(
            {("volunteer", name): volunteer["id"], ("team", name): team["id"], ("activity", name): activity["id"]}
        )
        if ("care_need", name) in self.w.records:
            self.w.records[("assignment", name)] = await self.assignment(name, place, volunteer["id"])

    async def assignment(self, name: str, place: Place, volunteer_id: str) -> str:
        need_id = self.w.records[("care_need", name)]
        ticket = await self.post("case", f"/v1/needs/{need_id}/ticket", place.headers)
        body = {
            "volunteer_id": volunteer_id,
            "need_id": need_id,
            "platform_id": place.id,
            "region": place.region,
            "schedule": {"frequency": "weekly", "weekday": 3, "start": "09:00", "duration_minutes": 60},
            "starts_on": (date.today() + timedelta(days=7)).isoformat(),
            "visit_address": "幸福小区3号楼",
            "need_ticket": ticket["ticket"],
        }
        return str((await self.post("volunteers", "/v1/assignments", place.headers, body))["id"])


def activity_body(place: Place, ticket: str | None) -> dict[str, Any]:
    starts = date.today() + timedelta(days=20)
    return {
        "title": "重阳敬老",
        "organiser_kind": "platform",
        "platform_id": place.id,
        "place": "活动室",
        "region": place.region,
        "starts_at": f"{starts.isoformat()}T01:00:00Z",
        "ends_at": f"{starts.isoformat()}T03:00:00Z",
        "capacity": 10,
        "is_public": False,
        **({"platform_ticket": ticket} if ticket else {}),
    }


STAFF_PLACES = ("room", "station", "sibling", "centre", "other_county")


async def build_world(stack: Stack, settings: Settings) -> World:
    w = World(stack, settings)
    w.root = bearer(settings, "civil_affairs_admin", region="", subject="matrix-root")
    async with httpx.AsyncClient(timeout=30) as client:
        b = Builder(w, client)
        await b.county(COUNTY_A, "")
        await b.county(COUNTY_B, "b_")
        w.places["other_county"] = w.places["b_station"]
        await b.organisation("org1", COUNTY_A)
        await b.organisation("org2", COUNTY_B)
        for name in ("room", "station", "sibling", "other_county"):
            await b.case_records(name, w.places[name])
        for name in STAFF_PLACES:
            await b.volunteer_records(name, w.places[name])
        offer = {"A": w.records[("offer", "org1")], "B": w.records[("offer", "org2")]}
        for name in ("room", "station", "sibling", "other_county"):
            place = w.places["station" if name == "room" else name]  # community workers do not hold
            w.records[("hold", name)] = await b.hold(name, place, offer["A" if name != "other_county" else "B"])
        org1, org2 = w.places["org1"], w.places["org2"]
        w.records[("pledge", "station")] = await b.pledge("station", w.places["station"], org1.headers, org1.subject)
        w.records[("pledge", "sibling")] = await b.pledge("sibling", w.places["sibling"], org1.headers, org1.subject)
        w.records[("pledge", "other_county")] = await b.pledge(
            "other_county", w.places["other_county"], org2.headers, org2.subject
        )
        app = bearer(settings, "app_client", scopes=APP_SCOPES, subject="matrix-app")
        w.records[("pledge", "app")] = await b.pledge("station", w.places["station"], app, "matrix-app")
        station, centre = w.places["station"], w.places["centre"]
        w.callers = {
            "civil_affairs_admin": bearer(settings, "civil_affairs_admin", region=COUNTY_A, subject="matrix-admin"),
            "centre_staff": centre.headers,
            # County-wide region claims: the platform subtree alone must keep a station out of its sibling's.
            "station_staff": bearer(
                settings, "station_staff", platform_id=station.id, region=COUNTY_A, subject=station.subject
            ),
            "community_worker": bearer(
                settings, "community_worker", platform_id=w.places["room"].id, region=COUNTY_A, subject="matrix-worker"
            ),
            "org_staff": org1.headers,
            "volunteer": bearer(
                settings, "volunteer", volunteer_id=w.records[("volunteer", "station")], subject="matrix-volunteer"
            ),
            "app_client": app,
        }
    return w
