"""The gateway drops an idle pooled connection before the services' uvicorn closes it: otherwise a
request taken from the pool after a burst goes out on a socket the service has closed, and a POST
cannot be retried (the client cannot know it was not processed)."""

import inspect

import uvicorn

from gateway.app import UPSTREAM_KEEPALIVE_S


def test_the_gateways_idle_timeout_is_shorter_than_the_services_keep_alive() -> None:
    server_keep_alive = inspect.signature(uvicorn.Config).parameters["timeout_keep_alive"].default
    assert 0 < UPSTREAM_KEEPALIVE_S < server_keep_alive
