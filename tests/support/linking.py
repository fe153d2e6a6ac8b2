"""A station with one open micro-wish and a charity offering 5 of the item, on a running stack."""

import threading
from datetime import date, timedelta
from typing import Any

import httpx

from gateway.ids import to_global_id
from services.common.settings import Settings
from tests.case.factories import make_id_number
from tests.resources.factories import credit_code
from tests.support.auth import bearer
from wushe_cli.stack import Stack

CONFIRM = """mutation($need: ID!, $offer: ID!, $key: String!) { matchOffer(input: {needId: $need, offerId: $offer, idempotencyKey: $key}) {
  __typename ... on MatchConfirmed { need { state } holdId } ... on OfferExhausted { code } ... on HoldLapsed { code }
  ... on NeedAlreadyMatched { message } ... on InvalidInput { code message fields } } }"""


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
        birth = date(1945, 3, 1) + timedelta(days=n)
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
                "id_number": make_id_number("150781", birth, 900 + n % 100),
                "consent": {"given_by": "本人", "given_at": "2026-11-01T00:00:00Z", "purpose": "救助"},
            },
        )
        opened = self._post(f"{case}/v1/cases", self.station, {"recipient_id": recipient["id"], "domain": "elderly"})
        self._post(f"{case}/v1/cases/{opened['id']}/transitions", self.station, {"to_state": "assessment"})
        self.case_id = opened["id"]
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
        """Start matchOffer; returns a dict that fills with the response (or the error) when it ends."""
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
        return dict(outcome["response"].json()["data"]["matchOffer"])

    def another_need(self, title: str = "棉被") -> dict[str, Any]:
        """One more open micro-wish of one blanket on the scene's case."""
        body = {
            "case_id": self.case_id,
            "kind": "micro_wish",
            "title": title,
            "item_category": "bedding",
            "quantity": 1,
        }
        return self._post(f"{self.stack.url('case')}/v1/needs", self.station, body)
