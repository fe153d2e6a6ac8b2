"""Depth, aliases, directives and fields over the expanded document, in one walk per fragment."""

from graphql import parse

from gateway.limits.shape import CEILING, measure_document


def fan_out(fragments: int) -> str:
    chain = "".join(f"fragment F{i} on Query {{ __typename ...F{i + 1} ...F{i + 1} }} " for i in range(fragments))
    return "{ ...F0 } " + chain + f"fragment F{fragments} on Query {{ __typename }}"


class TestFragments:
    def test_counts_every_expansion_of_a_fragment(self) -> None:
        assert measure_document(parse(fan_out(3))).fields == 2**4 - 1

    def test_two_hundred_fragments_that_double_are_measured_at_once(self) -> None:
        # Expanded, this is 2^201 fields; walked once per fragment, it is 200 small walks.
        assert measure_document(parse(fan_out(200))).fields == CEILING

    def test_aliases_count_once_per_expansion(self) -> None:
        document = parse("{ ...A ...A ...A } fragment A on Query { x: __typename y: __typename }")
        assert measure_document(document).aliases == 6

    def test_cycles_stay_finite(self) -> None:
        shape = measure_document(parse("{ ...A } fragment A on Query { ...B } fragment B on Query { __typename ...A }"))
        assert shape.fields == 1

    def test_unknown_fragments_count_nothing(self) -> None:
        assert measure_document(parse("{ __typename ...Missing }")).fields == 1


class TestDepth:
    def test_counts_fields_with_a_selection_as_strawberry_did(self) -> None:
        assert measure_document(parse("{ needs { edges { node { id } } } }")).depth == 3

    def test_follows_fragments_and_inline_fragments(self) -> None:
        document = parse(
            "{ needs { ...E } } fragment E on NeedConnection { edges { ... on NeedEdge { node { id } } } }"
        )
        assert measure_document(document).depth == 3

    def test_introspection_adds_no_depth(self) -> None:
        document = parse("{ __schema { types { fields { type { ofType { ofType { name } } } } } } }")
        assert measure_document(document).depth == 0


class TestDirectives:
    def test_counts_directives_on_selections_fragments_and_operations(self) -> None:
        document = parse("query Q @a { ...F @b  __typename @c @d } fragment F on Query @e { x: __typename @f }")
        assert measure_document(document).directives == 6
