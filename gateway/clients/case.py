"""Typed client of the case service."""

from gateway.clients.base import ServiceClient


class CaseClient(ServiceClient):
    pass
