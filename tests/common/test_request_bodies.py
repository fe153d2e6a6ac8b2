"""Every JSON request body of every service refuses unknown fields, nested objects included, and
says so in its OpenAPI (`additionalProperties: false`)."""

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI

from services.case.app import create_app as case_app
from services.resources.app import create_app as resources_app
from services.volunteers.app import create_app as volunteers_app


def objects_in(schema: Any, components: dict[str, Any], seen: set[str]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(name, schema) of every object schema reachable from `schema`."""
    if isinstance(schema, list):
        for item in schema:
            yield from objects_in(item, components, seen)
        return
    if not isinstance(schema, dict):
        return
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name not in seen:
            seen.add(name)
            target = components[name]
            if "properties" in target:
                yield name, target
            yield from objects_in(target, components, seen)
        return
    if "properties" in schema:
        yield schema.get("title", "inline"), schema
    for value in schema.values():
        yield from objects_in(value, components, seen)


def request_objects(app: FastAPI) -> dict[str, tuple[str, dict[str, Any]]]:
    spec = app.openapi()
    components = spec.get("components", {}).get("schemas", {})
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body is None:
                continue
            for name, schema in objects_in(body["schema"], components, set()):
                found.setdefault(name, (f"{method.upper()} {path}", schema))
    return found


@pytest.mark.parametrize("app_factory", [case_app, resources_app, volunteers_app])
def test_every_request_object_forbids_unknown_fields(app_factory: Any) -> None:
    objects = request_objects(app_factory())
    assert len(objects) > 5  # the walk found the bodies
    lenient = [
        f"{name} ({where})"
        for name, (where, schema) in objects.items()
        if schema.get("additionalProperties") is not False
    ]
    assert lenient == []
