"""Typed client of the resources service."""

from gateway.clients.base import ServiceClient


class ResourcesClient(ServiceClient):
    pass
