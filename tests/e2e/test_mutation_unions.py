"""Every mutation answers only members of its declared union, and no refusal answers INTERNAL.

The test walks the schema: for each mutation it builds a call whose arguments are the least the
types allow (unknown global ids, a one-letter text, the first enum value, an empty list), sends it
through the running gateway as each kind of writer, and judges the answer: either data whose
`__typename` is a member of the mutation's union, or top-level errors whose codes are the ones a
client is meant to get at the top level (no right, bad id, not signed in) — never INTERNAL (which
a return value outside the union, a crash on an unknown id or an unmapped refusal would give).
"""

import datetime as dt
import re
import uuid
from typing import Any

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLUnionType,
    Undefined,
)

from gateway.ids import to_global_id
from gateway.schema import NODE_TYPES, build_schema
from services.common.settings import Settings
from tests.e2e.world import World
from tests.support.auth import bearer
from tests.support.graphql import gql

pytestmark = pytest.mark.e2e

# Codes a client may get at the top level: the call itself is not allowed or not well formed.
TOP_LEVEL_CODES = {"BAD_USER_INPUT", "FORBIDDEN", "UNAUTHENTICATED"}

# Global id type of an argument, by its name (the rest: from the mutation's name).
ID_TYPES = {
    "wishId": "PublicWish",
    "assignmentId": "CareAssignment",
    "visitId": "CareVisit",
    "entryId": "LedgerEntry",
    "orgId": "Organization",
    "parentId": "Platform",
    "workerId": "Staff",
    "assignedWorkerId": "Staff",
    "requestId": "HoursCorrectionRequest",
}
KNOWN_TYPES = sorted({*NODE_TYPES, "Referral", "SignUp", "Hold", "Pledge", "Team"}, key=len, reverse=True)


def _id_type(argument: str, mutation: str) -> str:
    if argument in ID_TYPES:
        return ID_TYPES[argument]
    stem = re.sub(r"Ids?$", "", argument)
    if stem and stem != argument:
        return stem[0].upper() + stem[1:]
    for name in KNOWN_TYPES:  # `id` of verifyOrganization is an Organization's
        if name.lower() in mutation.lower():
            return name
    return "Need"


def _least(kind: Any, name: str, mutation: str) -> Any:
    """The least value of a GraphQL input type (for required fields only, as a client would send)."""
    if isinstance(kind, GraphQLNonNull):
        return _least(kind.of_type, name, mutation)
    if isinstance(kind, GraphQLList):
        return []
    if isinstance(kind, GraphQLEnumType):
        return next(iter(kind.values))
    if isinstance(kind, GraphQLInputObjectType):
        return {
            field_name: _least(field.type, field_name, mutation)
            for field_name, field in kind.fields.items()
            if isinstance(field.type, GraphQLNonNull) and field.default_value is Undefined
        }
    assert isinstance(kind, GraphQLScalarType), kind
    return {
        "ID": lambda: to_global_id(_id_type(name, mutation), uuid.uuid4()),
        "String": lambda: f"union-walk-{uuid.uuid4().hex[:8]}" if "key" in name.lower() else "x",
        "Int": lambda: 1,
        "Float": lambda: 1.0,
        "Boolean": lambda: True,
        "Decimal": lambda: "1",
        "DateTime": lambda: dt.datetime.now(dt.UTC).isoformat(),
        "Date": lambda: dt.date.today().isoformat(),
    }.get(kind.name, lambda: "x")()


def _calls(settings: Settings) -> list[tuple[str, str, dict[str, Any], set[str]]]:
    """(mutation, document, variables, member type names) for every mutation of the schema."""
    schema = build_schema(settings)._schema
    mutation_type = schema.mutation_type
    assert mutation_type is not None
    calls = []
    for name, field in sorted(mutation_type.fields.items()):
        result = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
        if isinstance(result, GraphQLUnionType):
            members = {member.name for member in result.types}
        else:
            assert isinstance(result, GraphQLObjectType), (name, result)
            members = {result.name}
        required = {
            arg_name: arg
            for arg_name, arg in field.args.items()
            if isinstance(arg.type, GraphQLNonNull) and arg.default_value is Undefined
        }
        signature = ", ".join(f"${a}: {arg.type}" for a, arg in required.items())
        arguments = ", ".join(f"{a}: ${a}" for a in required)
        document = (
            f"mutation{f'({signature})' if signature else ''} "
            f"{{ {name}{f'({arguments})' if arguments else ''} {{ __typename }} }}"
        )
        variables = {a: _least(arg.type, a, name) for a, arg in required.items()}
        calls.append((name, document, variables, members))
    return calls


def test_every_mutation_returns_a_union() -> None:
    """A mutation's result is a union of its success and its expected refusals (CONVENTIONS.md)."""
    schema = build_schema(Settings(environment="test"))._schema
    assert schema.mutation_type is not None
    plain = [
        name
        for name, field in schema.mutation_type.fields.items()
        if not isinstance(getattr(field.type, "of_type", field.type), GraphQLUnionType)
    ]
    assert plain == []


def test_every_mutation_answers_within_its_union_for_every_writer(world: World, settings: Settings) -> None:
    writers = {
        "admin": world.admin,
        "station": world.station(),
        "org": bearer(settings, "org_staff", org_id=str(uuid.uuid4()), region="150781", subject="org-walker"),
        "volunteer": bearer(settings, "volunteer", volunteer_id=str(uuid.uuid4()), region="150781"),
        "app": bearer(settings, "app_client", subject="union-walker", scopes=["wishes:read", "wishes:claim"]),
    }
    wrong: list[str] = []
    answered = 0
    for name, document, variables, members in _calls(settings):
        for who, headers in writers.items():
            body = gql(world.stack, document, variables, headers)
            data = (body.get("data") or {}).get(name)
            codes = {str((e.get("extensions") or {}).get("code")) for e in body.get("errors") or []}
            if data is not None:
                answered += 1
                if data["__typename"] not in members:
                    wrong.append(f"{name} as {who}: {data['__typename']} is not a member of {sorted(members)}")
            elif not codes or not codes <= TOP_LEVEL_CODES:
                wrong.append(f"{name} as {who}: top-level {sorted(codes)} {body.get('errors')}")
    assert wrong == []
    assert answered > 0  # the walk reached the resolvers, not only the auth checks
