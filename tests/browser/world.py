"""The browser tests' own county centre and station (names of their own, so the picker finds them)."""

import uuid
from dataclasses import dataclass

from gateway.ids import from_global_id
from services.common.settings import Settings
from tests.e2e.world import CREATE_PLATFORM
from tests.support.auth import bearer
from tests.support.graphql import gql
from wushe_cli.stack import Stack


@dataclass
class BrowserWorld:
    stack: Stack
    settings: Settings
    admin: dict[str, str]
    station_gid: str
    station_name: str
    centre_gid: str

    def station(self) -> dict[str, str]:
        """A bearer as the station's worker (for a test's own GraphQL set-up)."""
        station_id = str(from_global_id(self.station_gid)[1])
        return bearer(
            self.settings, "station_staff", platform_id=station_id, region="150781001", subject="browser-worker"
        )


def build_browser_world(stack: Stack, settings: Settings) -> BrowserWorld:
    tag = uuid.uuid4().hex[:4]
    admin = bearer(settings, "civil_affairs_admin", region="15", subject="browser-admin")
    centre = gql(
        stack,
        CREATE_PLATFORM,
        {"input": {"name": f"扎赉诺尔区社工服务中心{tag}", "level": "COUNTY_CENTRE", "regionCode": "150781"}},
        admin,
    )
    centre_gid = centre["data"]["createPlatform"]["platform"]["id"]
    centre_id = str(from_global_id(centre_gid)[1])
    name = f"扎区社工站{tag}"
    station = gql(
        stack,
        CREATE_PLATFORM,
        {
            "input": {
                "name": name,
                "level": "STATION",
                "regionCode": "150781001",
                "parentId": centre_gid,
                "serviceModel": "EMBEDDED",
            }
        },
        bearer(settings, "centre_staff", platform_id=centre_id, region="150781"),
    )
    station_gid = station["data"]["createPlatform"]["platform"]["id"]
    return BrowserWorld(stack, settings, admin, station_gid, name, centre_gid)


def local_id(global_id: str) -> str:
    return str(from_global_id(global_id)[1])
