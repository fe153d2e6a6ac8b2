"""The clients of one GraphQL request, sharing the process's connection pool."""

from dataclasses import dataclass

import aiohttp

from gateway.clients.base import CallerHeaders, ServiceClient
from gateway.clients.case import CaseClient
from gateway.clients.resources import ResourcesClient
from gateway.clients.volunteers import VolunteersClient
from services.common.settings import Settings


@dataclass
class Upstreams:
    case: CaseClient
    resources: ResourcesClient
    volunteers: VolunteersClient

    @classmethod
    def for_caller(cls, session: aiohttp.ClientSession, settings: Settings, caller: CallerHeaders) -> "Upstreams":
        timeout = settings.upstream_timeout_s
        return cls(
            case=CaseClient("case", settings.case_url, session, caller, timeout),
            resources=ResourcesClient("resources", settings.resources_url, session, caller, timeout),
            volunteers=VolunteersClient("volunteers", settings.volunteers_url, session, caller, timeout),
        )

    def all(self) -> list[ServiceClient]:
        return [self.case, self.resources, self.volunteers]

    @property
    def calls(self) -> int:
        return sum(client.calls for client in self.all())
