"""Typed client of the volunteers service."""

from gateway.clients.base import ServiceClient


class VolunteersClient(ServiceClient):
    pass
