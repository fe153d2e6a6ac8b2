"""A query cost limit: every field costs 1, and a connection's selections cost `first` times over.

Depth, alias and token limits bound the shape of a query; cost bounds the work it asks for (a
page of 100 needs, each with 100 of something else, is 10,000 nodes however shallow it is).
"""

from collections.abc import Iterator
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
)
from strawberry.extensions import SchemaExtension

from services.common.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE


def _page_multiplier(field: FieldNode, variables: dict[str, Any]) -> int:
    for argument in field.arguments or ():
        if argument.name.value != "first":
            continue
        value = argument.value
        if isinstance(value, IntValueNode):
            return min(int(value.value), MAX_PAGE_SIZE)
        if isinstance(value, VariableNode):
            given = variables.get(value.name.value)
            return min(int(given), MAX_PAGE_SIZE) if isinstance(given, int) else DEFAULT_PAGE_SIZE
    return 1


def selection_cost(
    selection_set: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    variables: dict[str, Any],
    seen: frozenset[str] = frozenset(),
) -> int:
    if selection_set is None:
        return 0
    total = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            multiplier = _page_multiplier(selection, variables)
            total += 1 + multiplier * selection_cost(selection.selection_set, fragments, variables, seen)
        elif isinstance(selection, InlineFragmentNode):
            total += selection_cost(selection.selection_set, fragments, variables, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in fragments and name not in seen:  # cycles are refused by validation anyway
                total += selection_cost(fragments[name].selection_set, fragments, variables, seen | {name})
    return total


class QueryCostLimiter(SchemaExtension):
    def __init__(self, max_cost: int) -> None:
        self.max_cost = max_cost

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None:
            fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
            variables = context.variables or {}
            for definition in document.definitions:
                if isinstance(definition, OperationDefinitionNode):
                    cost = selection_cost(definition.selection_set, fragments, variables)
                    if cost > self.max_cost:
                        # Set before validation runs: strawberry then skips it and answers with this.
                        context.pre_execution_errors = [
                            GraphQLError(
                                f"Query cost {cost} exceeds the limit of {self.max_cost}.",
                                extensions={
                                    "code": "QUERY_TOO_COSTLY",
                                    "messageZh": "查询代价超出上限。",
                                    "cost": cost,
                                },
                            )
                        ]
                        break
        yield
