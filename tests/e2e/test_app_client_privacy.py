"""An app-client token walks the whole schema and never sees a name, ID number, phone or address.

Every root query field is called with a selection of every field it can reach (three levels
deep), and `node` with the global id of every kind of record; the responses are searched for
the personal data the station recorded.
"""

from typing import Any

import pytest
from graphql import (
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    Undefined,
)

from gateway.ids import from_global_id
from gateway.schema import build_schema
from services.common.settings import Settings
from tests.e2e.test_gateway_case import _new_elder, _publish
from tests.e2e.test_gateway_volunteers import _register
from tests.e2e.world import World
from tests.support.auth import bearer
from tests.support.graphql import gql

pytestmark = pytest.mark.e2e

ARGUMENTS = {"linkageStats": '(regionCode: "15", start: "2020-01-01T00:00:00Z", end: "2030-01-01T00:00:00Z")'}


def _unwrap(field_type: Any) -> Any:
    while isinstance(field_type, GraphQLNonNull | GraphQLList):
        field_type = field_type.of_type
    return field_type


def selection(schema: GraphQLSchema, type_: Any, depth: int) -> str:
    """Every field of `type_` without required arguments, `depth` levels down."""
    type_ = _unwrap(type_)
    if isinstance(type_, GraphQLUnionType | GraphQLInterfaceType):
        members = type_.types if isinstance(type_, GraphQLUnionType) else schema.get_implementations(type_).objects
        inner = " ".join(f"... on {m.name} {{ {selection(schema, m, depth)} }}" for m in members)
        return f"__typename {inner}"
    if not isinstance(type_, GraphQLObjectType):
        return ""
    parts = []
    for name, field in type_.fields.items():
        if any(isinstance(a.type, GraphQLNonNull) and a.default_value is Undefined for a in field.args.values()):
            continue
        inner_type = _unwrap(field.type)
        if isinstance(inner_type, GraphQLObjectType | GraphQLUnionType | GraphQLInterfaceType):
            if depth > 0:
                parts.append(f"{name} {{ {selection(schema, inner_type, depth - 1)} }}")
        else:
            parts.append(name)
    return " ".join(parts) or "__typename"


def test_app_client_never_obtains_personal_data(world: World, settings: Settings) -> None:
    personal = []
    for n in (70, 71):
        case_id = _new_elder(world, n)
        need = _publish(world, case_id, "一台电暖器")["need"]
        personal += [f"王秀{n}"]
    volunteer_id = _register(world, 9)
    station_view = world.ok(
        """{ recipients(first: 100) { edges { node { id name idNumber phone address } } }
                                cases(first: 5) { edges { node { id } } } }""",
        {},
        world.station(),
    )
    for edge in station_view["recipients"]["edges"]:
        node = edge["node"]
        personal += [node["idNumber"], node["phone"] or "", node["address"]]
    personal = [p for p in set(personal) if p and len(p) >= 3]
    node_ids = [
        need["id"],
        volunteer_id,
        station_view["recipients"]["edges"][0]["node"]["id"],
        station_view["cases"]["edges"][0]["node"]["id"],
        world.station_gid(),
    ]

    schema = build_schema(settings).as_str() and build_schema(settings)._schema
    app = bearer(
        settings,
        "app_client",
        subject="mini-program",
        scopes=["wishes:read", "wishes:claim", "offers:read", "activities:read", "events:read"],
    )
    responses: list[dict[str, Any]] = []
    by_field: dict[str, dict[str, Any]] = {}
    for name, field in schema.query_type.fields.items():
        required = [
            a
            for a, arg in field.args.items()
            if isinstance(arg.type, GraphQLNonNull) and arg.default_value is Undefined
        ]
        if name == "node":
            for gid in node_ids:
                type_name = from_global_id(gid)[0]
                fragment = f"... on {type_name} {{ {selection(schema, schema.get_type(type_name), 3)} }}"
                responses.append(gql(world.stack, f'{{ node(id: "{gid}") {{ id {fragment} }} }}', headers=app))
            continue
        if required and name not in ARGUMENTS:
            continue
        query = f"{{ {name}{ARGUMENTS.get(name, '')} {{ {selection(schema, field.type, 3)} }} }}"
        if not selection(schema, field.type, 3):
            query = f"{{ {name}{ARGUMENTS.get(name, '')} }}"
        responses.append(gql(world.stack, query, headers=app))
        by_field[name] = responses[-1]
    text = repr(responses)
    leaked = [p for p in personal if p in text]
    assert leaked == []
    # The walk did reach data: every field the app's scopes allow answered in full.
    for allowed in ("publicWishes", "offers", "organizations", "activities", "viewer", "vocabularies"):
        assert "errors" not in by_field[allowed], by_field[allowed]["errors"]
    assert "一台电暖器" in repr(by_field["publicWishes"]["data"])
