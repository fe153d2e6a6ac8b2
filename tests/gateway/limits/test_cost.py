"""The cost of an operation: list children times the list's size, sizes never below their default."""

from typing import Any

import pytest
from graphql import OperationDefinitionNode, parse

from gateway.limits.cost import FIELD_WEIGHTS, NegativeListSize, operation_cost
from gateway.schema import build_schema
from services.common.settings import Settings

SCHEMA = build_schema(Settings())._schema  # type: ignore[attr-defined]
NODE = "edges { node { id title } }"  # edges 1 + node 1 + two fields = 4 per need


def cost(query: str, variables: dict[str, Any] | None = None) -> int:
    document = parse(query)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    return operation_cost(SCHEMA, document, operation, variables or {})


class TestLists:
    def test_list_children_cost_first_times_over(self) -> None:
        assert cost(f"{{ needs(first: 50) {{ {NODE} }} }}") == 1 + 50 * 4

    def test_a_connection_page_info_costs_once(self) -> None:
        assert cost("{ needs(first: 50) { pageInfo { hasNextPage } } }") == 1 + 2

    def test_a_size_below_the_default_counts_as_the_default(self) -> None:
        assert cost(f"{{ needs(first: 1) {{ {NODE} }} }}") == cost(f"{{ needs {{ {NODE} }} }}") == 1 + 20 * 4

    def test_a_size_above_the_page_limit_counts_as_the_page_limit(self) -> None:
        assert cost(f"{{ needs(first: 100000) {{ {NODE} }} }}") == 1 + 100 * 4

    def test_events_count_up_to_their_own_cap(self) -> None:
        assert cost("{ events(first: 1000) { events { type } } }") == 1 + 200 * 2

    def test_negative_sizes_are_refused(self) -> None:
        with pytest.raises(NegativeListSize):
            cost(f"{{ needs(first: -1000) {{ {NODE} }} }}")


class TestVariables:
    def test_a_given_variable_is_used(self) -> None:
        assert cost(f"query($n: Int!) {{ needs(first: $n) {{ {NODE} }} }}", {"n": 80}) == 1 + 80 * 4

    def test_a_missing_variable_takes_the_operations_default(self) -> None:
        assert cost(f"query($n: Int! = 100) {{ needs(first: $n) {{ {NODE} }} }}") == 1 + 100 * 4

    def test_a_negative_variable_is_refused(self) -> None:
        with pytest.raises(NegativeListSize):
            cost(f"query($n: Int!) {{ needs(first: $n) {{ {NODE} }} }}", {"n": -5})

    def test_a_variable_that_is_no_int_counts_as_the_default(self) -> None:
        assert cost(f"query($n: Int!) {{ needs(first: $n) {{ {NODE} }} }}", {"n": "lots"}) == 1 + 20 * 4


class TestHeavyFields:
    @pytest.mark.parametrize("limit", [1, 100, 1000])
    def test_propose_matches_costs_its_weight_and_a_page_of_proposals(self, limit: int) -> None:
        # Below its default (100) as the default; above, as a page: the optimiser's weight pays for the rest.
        query = f'{{ proposeMatches(scope: {{regionCode: "15"}}, limit: {limit}) {{ proposals {{ score }} summary {{ needs }} }} }}'
        assert cost(query) == FIELD_WEIGHTS["Query.proposeMatches"] + 100 * 2 + 2

    def test_three_optimiser_runs_are_over_the_default_limit(self) -> None:
        one = 'proposeMatches(scope: {regionCode: "15"}, limit: 1) { summary { needs } }'
        assert cost(f"{{ a: {one} b: {one} c: {one} }}") > Settings().graphql_max_cost

    def test_linkage_stats_has_a_weight(self) -> None:
        assert cost('{ linkageStats(regionCode: "15") { caseSide { projects } } }') == 500 + 2


class TestFragments:
    def test_a_fragment_is_costed_where_it_is_spread(self) -> None:
        query = f"{{ a: needs(first: 30) {{ ...Page }} b: needs(first: 50) {{ ...Page }} }} fragment Page on NeedConnection {{ {NODE} }}"
        assert cost(query) == (1 + 30 * 4) + (1 + 50 * 4)

    def test_fan_out_is_costed_without_expanding_it(self) -> None:
        chain = "".join(f"fragment F{i} on Query {{ __typename ...F{i + 1} ...F{i + 1} }} " for i in range(150))
        assert cost("{ ...F0 } " + chain + "fragment F150 on Query { __typename }") > 10**9
