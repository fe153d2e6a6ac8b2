"""Look-ahead: which nested fields a query selects, so a list resolver can fetch them in one step.

GraphQL execution, not the network, costs most of the gateway's time. A hot list query fetches
its page and every selected relation with one batched call each, attaches the results, and the
nested resolvers then only read attributes.
"""

from typing import Any

from strawberry.types import Info
from strawberry.types.nodes import SelectedField


def selected_paths(info: Info) -> set[str]:
    """Dotted paths (GraphQL names) selected below the current field, fragments flattened."""
    paths: set[str] = set()

    def walk(selections: list[Any], prefix: str) -> None:
        for selection in selections:
            if isinstance(selection, SelectedField):
                path = prefix + selection.name
                paths.add(path)
                walk(selection.selections, path + ".")
            else:  # fragment spread or inline fragment: same level
                walk(selection.selections, prefix)

    for field in info.selected_fields:
        walk(field.selections, "")
    return paths


def node_wants(paths: set[str], relation: str) -> bool:
    """Is `relation` selected on the nodes of a connection (via edges.node or nodes)?"""
    return f"edges.node.{relation}" in paths or f"nodes.{relation}" in paths
