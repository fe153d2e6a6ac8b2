"""The clients of one GraphQL request, sharing the process's connection pool and breakers."""

from dataclasses import dataclass
from typing import TypeVar

import aiohttp

from gateway.clients.base import CallerHeaders, RetryPolicy, ServiceClient
from gateway.clients.breaker import breaker_for
from gateway.clients.case import CaseClient
from gateway.clients.resources import ResourcesClient
from gateway.clients.volunteers import VolunteersClient
from services.common.settings import Settings

C = TypeVar("C", bound=ServiceClient)


@dataclass
class Upstreams:
    case: CaseClient
    resources: ResourcesClient
    volunteers: VolunteersClient

    @classmethod
    def for_caller(cls, session: aiohttp.ClientSession, settings: Settings, caller: CallerHeaders) -> "Upstreams":
        retry = RetryPolicy(attempts=settings.upstream_attempts, connect_timeout_s=settings.upstream_connect_timeout_s)

        def client(kind: type[C], service: str, url: str) -> C:
            failures, cooldown_s = settings.upstream_breaker_failures, settings.upstream_breaker_cooldown_s
            breaker = breaker_for(session, service, failures, cooldown_s)
            return kind(service, url, session, caller, settings.upstream_timeout_s, retry=retry, breaker=breaker)

        return cls(
            case=client(CaseClient, "case", settings.case_url),
            resources=client(ResourcesClient, "resources", settings.resources_url),
            volunteers=client(VolunteersClient, "volunteers", settings.volunteers_url),
        )

    def all(self) -> list[ServiceClient]:
        return [self.case, self.resources, self.volunteers]

    @property
    def calls(self) -> int:
        return sum(client.calls for client in self.all())
