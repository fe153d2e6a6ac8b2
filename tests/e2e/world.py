"""A small world for end-to-end tests: a county centre and a station, made through the gateway."""

from typing import Any

from gateway.ids import from_global_id
from services.common.settings import Settings
from tests.support.auth import bearer
from tests.support.graphql import gql
from wushe_cli.stack import Stack

CREATE_PLATFORM = """
mutation($input: CreatePlatformInput!) { createPlatform(input: $input) {
  __typename ... on PlatformCreated { platform { id name } } ... on InvalidInput { message fields } } }"""


class World:
    def __init__(self, stack: Stack, settings: Settings) -> None:
        self.stack, self.settings = stack, settings
        self.admin = bearer(settings, "civil_affairs_admin", region="15", subject="admin")
        self.station_id = ""
        self.centre_id = ""

    def ok(self, query: str, variables: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        body = gql(self.stack, query, variables, headers)
        assert "errors" not in body, body
        return body["data"]

    def station_gid(self) -> str:
        from gateway.ids import to_global_id

        return to_global_id("Platform", self.station_id)

    def station(self) -> dict[str, str]:
        return bearer(self.settings, "station_staff", platform_id=self.station_id, region="150781", subject="worker")


def build_world(stack: Stack, settings: Settings) -> World:
    w = World(stack, settings)
    centre = w.ok(
        CREATE_PLATFORM,
        {"input": {"name": "满洲里市社工服务中心", "level": "COUNTY_CENTRE", "regionCode": "150781"}},
        w.admin,
    )
    centre_id = w.centre_id = str(from_global_id(centre["createPlatform"]["platform"]["id"])[1])
    station = w.ok(
        CREATE_PLATFORM,
        {
            "input": {
                "name": "东山街道社工站",
                "level": "STATION",
                "regionCode": "150781001",
                "parentId": centre["createPlatform"]["platform"]["id"],
                "serviceModel": "EMBEDDED",
            }
        },
        bearer(settings, "centre_staff", platform_id=centre_id, region="150781"),
    )
    w.station_id = str(from_global_id(station["createPlatform"]["platform"]["id"])[1])
    return w
