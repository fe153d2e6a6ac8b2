"""Depth, aliases, directives and fields of a document as it would run, with fragments expanded.

Measured per fragment once and summed where it is spread, so `...F` written twice in each of
twenty fragments costs twenty small walks, not a million-field one. Counts saturate at `CEILING`.
"""

from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

from gateway.limits.fragments import dependency_order, fragment_definitions

CEILING = 10**12


@dataclass(frozen=True, slots=True)
class Shape:
    depth: int = 0  # fields with a selection on the deepest path; introspection fields do not count
    aliases: int = 0
    directives: int = 0
    fields: int = 0

    def plus(self, other: "Shape") -> "Shape":
        return Shape(
            depth=max(self.depth, other.depth),
            aliases=min(self.aliases + other.aliases, CEILING),
            directives=min(self.directives + other.directives, CEILING),
            fields=min(self.fields + other.fields, CEILING),
        )


EMPTY = Shape()


def measure_document(document: DocumentNode) -> Shape:
    """The deepest operation's depth; aliases, directives and fields of all operations together
    (each is validated, whichever one runs)."""
    fragments = fragment_definitions(document)
    measured: dict[str, Shape] = {}
    for name in dependency_order(fragments):
        fragment = fragments[name]
        own = Shape(directives=len(fragment.directives or ()))
        measured[name] = own.plus(_selection_set(fragment.selection_set, measured))
    total = EMPTY
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            variable_directives = sum(len(v.directives or ()) for v in definition.variable_definitions or ())
            own = Shape(directives=len(definition.directives or ()) + variable_directives)
            total = total.plus(own.plus(_selection_set(definition.selection_set, measured)))
    return total


def _selection_set(selection_set: SelectionSetNode, fragments: dict[str, Shape]) -> Shape:
    # Recursion only follows the nesting written in one definition, which parsing bounds.
    depth = aliases = directives = fields = 0
    for selection in selection_set.selections:
        directives += len(selection.directives or ())
        inner: Shape | None = None
        if isinstance(selection, FieldNode):
            fields += 1
            aliases += selection.alias is not None
            if selection.selection_set is not None:
                inner = _selection_set(selection.selection_set, fragments)
                if not selection.name.value.startswith(
                    "__"
                ):  # as Strawberry's QueryDepthLimiter: introspection is flat
                    depth = max(depth, inner.depth + 1)
                inner = Shape(0, inner.aliases, inner.directives, inner.fields)  # its depth is counted above
        elif isinstance(selection, InlineFragmentNode):
            inner = _selection_set(selection.selection_set, fragments)
        elif isinstance(selection, FragmentSpreadNode):
            inner = fragments.get(selection.name.value, EMPTY)
        if inner is not None:
            depth = max(depth, inner.depth)
            aliases += inner.aliases
            directives += inner.directives
            fields += inner.fields
    return Shape(depth, min(aliases, CEILING), min(directives, CEILING), min(fields, CEILING))
