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


def fields_on(info: Info, type_name: str, path: tuple[str, ...] = ()) -> set[str]:
    """GraphQL names of the fields selected on the `type_name` objects at `path` below the current
    field (`()`: the field itself; `("edges", "node")`: a connection's nodes), fragments flattened
    except those on another type at that level (`... on Staff { name }` beside a recipient)."""
    found: set[str] = set()

    def walk(selections: list[Any], depth: int) -> None:
        for selection in selections:
            if isinstance(selection, SelectedField):
                if depth == len(path):
                    found.add(selection.name)
                elif selection.name == path[depth]:
                    walk(selection.selections, depth + 1)
            elif depth < len(path) or selection.type_condition in (None, type_name, "Node"):
                walk(selection.selections, depth)

    for field in info.selected_fields:
        walk(field.selections, 0)
    return found


def node_fields_on(info: Info, type_name: str, below: tuple[str, ...] = ()) -> set[str]:
    """`fields_on` for the nodes of the connection the current field returns (edges.node or nodes)."""
    return fields_on(info, type_name, ("edges", "node", *below)) | fields_on(info, type_name, ("nodes", *below))


def node_wants(paths: set[str], relation: str) -> bool:
    """Is `relation` selected on the nodes of a connection (via edges.node or nodes)?"""
    return f"edges.node.{relation}" in paths or f"nodes.{relation}" in paths
