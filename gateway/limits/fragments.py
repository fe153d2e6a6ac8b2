"""Fragments in an order where each comes after every fragment it spreads."""

from collections.abc import Iterator

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionSetNode,
)


def fragment_definitions(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    """By name; of duplicates the first (validation refuses duplicates anyway)."""
    fragments: dict[str, FragmentDefinitionNode] = {}
    for definition in document.definitions:
        if isinstance(definition, FragmentDefinitionNode):
            fragments.setdefault(definition.name.value, definition)
    return fragments


def spread_names(selection_set: SelectionSetNode) -> Iterator[str]:
    """Names spread anywhere inside one definition, without entering the fragments themselves."""
    pending = [selection_set]
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FragmentSpreadNode):
                yield selection.name.value
            elif isinstance(selection, FieldNode | InlineFragmentNode) and selection.selection_set is not None:
                pending.append(selection.selection_set)


def dependency_order(fragments: dict[str, FragmentDefinitionNode]) -> list[str]:
    """Post-order of the spread graph, iteratively (chains of hundreds of fragments would exhaust
    Python's recursion limit). A spread that closes a cycle is skipped: NoFragmentCyclesRule
    refuses such documents, and the limits only have to stay finite and fast on them."""
    order: list[str] = []
    state: dict[str, bool] = {}  # False: on the path being explored, True: done
    for root in fragments:
        if root in state:
            continue
        state[root] = False
        stack = [(root, iter(dict.fromkeys(spread_names(fragments[root].selection_set))))]
        while stack:
            name, children = stack[-1]
            child = next((c for c in children if c in fragments and c not in state), None)
            if child is None:
                stack.pop()
                state[name] = True
                order.append(name)
            else:
                state[child] = False
                stack.append((child, iter(dict.fromkeys(spread_names(fragments[child].selection_set)))))
    return order
