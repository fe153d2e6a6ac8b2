"""What a query asks the services to do, before it runs: the cost limit's figure.

Every field costs 1 (a few that start heavy work cost more, `FIELD_WEIGHTS`). A field with a list
size argument (`first`, `limit`) costs its list children (`edges`, `nodes`, `proposals`, …) that
many times over, the size being max(given, the argument's default), capped where the resolver or
the service caps it: asking for fewer never makes a query cheaper than its default page, and a
negative size is refused rather than subtracted. Variables are resolved from the request, then
from the operation's defaults.

Fragments are costed once each, bottom up, so the figure takes linear time whatever the fan-out.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_list_type,
)

from gateway.limits.fragments import dependency_order, fragment_definitions
from services.common.pagination import MAX_PAGE_SIZE

CEILING = 10**12
SIZE_ARGUMENTS = ("first", "last", "limit")

# Fields that start work far beyond one upstream row: the optimiser runs twice (optimal and greedy
# for comparison) over every open need, offer and volunteer in the region; the statistics are
# three aggregate queries over the region's whole history. 4000 lets a query run the optimiser at
# most twice under the default limit of 10 000.
FIELD_WEIGHTS = {
    "Query.proposeMatches": 4000,
    "Query.linkageStats": 500,
}
# A size counts at most MAX_PAGE_SIZE times, the page the services serve (larger `first` is refused
# upstream). `events` really returns up to 200, three services' pages merged. `proposeMatches`
# returns up to 1000 proposals, but from the one optimiser run its weight pays for, their needs,
# offers and volunteers loaded in batches: counted as a page, so `wushe match` (limit 1000) runs.
SIZE_CAPS = {
    "Query.events": 200,
}


class NegativeListSize(Exception):
    def __init__(self, coordinate: str, argument: str, value: int) -> None:
        super().__init__(f"{coordinate}({argument}: {value})")
        self.coordinate = coordinate
        self.argument = argument
        self.value = value


@dataclass(frozen=True, slots=True)
class _Cost:
    """A selection set's cost, split by whether each top-level field is a list: a sized parent
    multiplies the first part only (a connection's `edges`, not its `pageInfo`)."""

    listed: int = 0
    single: int = 0

    @property
    def total(self) -> int:
        return min(self.listed + self.single, CEILING)


class _Costing:
    def __init__(self, schema: GraphQLSchema, operation: OperationDefinitionNode, variables: Mapping[str, Any]):
        self.schema = schema
        self.variables = variables
        self.defaults = {
            v.variable.name.value: v.default_value
            for v in operation.variable_definitions or ()
            if v.default_value is not None
        }
        self.fragments: dict[str, _Cost] = {}

    def selection_set(self, selection_set: SelectionSetNode, parent: GraphQLNamedType | None) -> _Cost:
        listed = single = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                definition = _field_definition(parent, selection.name.value)
                cost = self.field(selection, parent, definition)
                if definition is None or is_list_type(get_nullable_type(definition.type)):
                    listed += cost  # unknown fields count as lists: validation refuses them later anyway
                else:
                    single += cost
            else:
                if isinstance(selection, InlineFragmentNode):
                    condition = selection.type_condition
                    inner = self.selection_set(
                        selection.selection_set, self.schema.get_type(condition.name.value) if condition else parent
                    )
                elif isinstance(selection, FragmentSpreadNode):
                    inner = self.fragments.get(selection.name.value, _Cost())
                listed += inner.listed
                single += inner.single
        return _Cost(min(listed, CEILING), min(single, CEILING))

    def field(self, node: FieldNode, parent: GraphQLNamedType | None, definition: GraphQLField | None) -> int:
        coordinate = f"{parent.name}.{node.name.value}" if parent is not None else node.name.value
        weight = FIELD_WEIGHTS.get(coordinate, 1)
        if node.selection_set is None:
            return weight
        inner = self.selection_set(node.selection_set, get_named_type(definition.type) if definition else None)
        size = self.list_size(node, definition, coordinate)
        return min(weight + size * inner.listed + inner.single, CEILING)

    def list_size(self, node: FieldNode, definition: GraphQLField | None, coordinate: str) -> int:
        if definition is None:
            return 1
        for name in SIZE_ARGUMENTS:
            argument = definition.args.get(name)
            if argument is None:
                continue
            default = argument.default_value if isinstance(argument.default_value, int) else 1
            given = self.argument_value(node, name)
            if given is not None and given < 0:
                raise NegativeListSize(coordinate, name, given)
            return min(max(given or 0, default), SIZE_CAPS.get(coordinate, MAX_PAGE_SIZE))
        return 1

    def argument_value(self, node: FieldNode, name: str) -> int | None:
        value = next((a.value for a in node.arguments or () if a.name.value == name), None)
        if isinstance(value, VariableNode):
            variable = value.name.value
            if variable in self.variables:
                return _as_int(self.variables[variable])
            value = self.defaults.get(variable)
        return _literal_int(value)


def _field_definition(parent: GraphQLNamedType | None, name: str) -> GraphQLField | None:
    if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
        return parent.fields.get(name)
    return None


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None  # not an Int: variable coercion refuses it before anything runs


def _literal_int(value: ValueNode | None) -> int | None:
    if isinstance(value, IntValueNode):
        return int(value.value)
    return None


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Mapping[str, Any],
) -> int:
    """The operation's cost; raises `NegativeListSize` for a negative `first` or `limit`."""
    costing = _Costing(schema, operation, variables)
    fragments = fragment_definitions(document)
    for name in dependency_order(fragments):
        fragment = fragments[name]
        costing.fragments[name] = costing.selection_set(
            fragment.selection_set, schema.get_type(fragment.type_condition.name.value)
        )
    return costing.selection_set(operation.selection_set, schema.get_root_type(operation.operation)).total
