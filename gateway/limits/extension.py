"""The schema extension that applies the limits: parse within the token budget, then depth,
aliases, directives and cost, and only then graphql-core's validation (its errors cached with the
document)."""

from collections.abc import Iterator

import graphql.validation.rules.overlapping_fields_can_be_merged as overlapping_fields
from graphql import DocumentNode, GraphQLError, get_operation_ast
from graphql.validation.validate import ValidationAbortedError
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document
from strawberry.types import ExecutionContext

from gateway.errors import graphql_error
from gateway.limits.cost import NegativeListSize, operation_cost
from gateway.limits.documents import Checked, DocumentCache
from gateway.limits.shape import Shape
from services.common.settings import Settings

# graphql-core meters the work of its field-merging rule (quadratic in fields that share a response
# name) and aborts validation past a budget. Its default, 500 000, is over half a second of CPU
# here; 10 000 is ~20 ms. Every query of the tests, the docs and the benches spends under 10.
VALIDATION_BUDGET = 10_000
overlapping_fields.MAX_COMPLEXITY_BUDGET = VALIDATION_BUDGET  # read by the rule each time it starts


LOCATED_ERRORS_MAX_CHARS = 4096


class QueryLimits(SchemaExtension):
    def __init__(self, settings: Settings, documents: DocumentCache) -> None:
        self.settings = settings
        self.documents = documents
        self.checked: Checked | None = None

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is None and context.query:
            self.checked = self.documents.checked(context.query)  # raising here answers with the coded error
            context.graphql_document = self.checked.document
        yield

    def on_validate(self) -> Iterator[None]:
        context, checked = self.execution_context, self.checked
        if checked is not None and context.pre_execution_errors is None:
            refused = self._shape_errors(checked.shape) or self._cost_errors(context, checked.document)
            if refused:
                context.pre_execution_errors = refused
            else:
                if checked.errors is None:  # the rules are the same for every request to this schema
                    checked.errors = _validate(context, checked.document)
                    if checked.errors and len(context.query or "") <= LOCATED_ERRORS_MAX_CHARS:
                        # Again on a located copy, so the errors carry `locations` (twice the work:
                        # only for documents the size people write by hand).
                        checked.errors = _validate(context, self.documents.located(context.query or ""))
                context.pre_execution_errors = checked.errors
        yield

    def _shape_errors(self, shape: Shape) -> list[GraphQLError]:
        s = self.settings
        if shape.depth > s.graphql_max_depth:
            return [
                graphql_error(
                    "QUERY_TOO_DEEP",
                    f"Selections nest {shape.depth} deep; the limit is {s.graphql_max_depth}.",
                    f"查询嵌套 {shape.depth} 层，上限为 {s.graphql_max_depth} 层。",
                    depth=shape.depth,
                    limit=s.graphql_max_depth,
                )
            ]
        if shape.aliases > s.graphql_max_aliases:
            return [
                graphql_error(
                    "TOO_MANY_ALIASES",
                    f"{shape.aliases} aliases (fragments expanded); the limit is {s.graphql_max_aliases}.",
                    f"别名 {shape.aliases} 个（含片段展开），上限为 {s.graphql_max_aliases} 个。",
                    aliases=shape.aliases,
                    limit=s.graphql_max_aliases,
                )
            ]
        if shape.directives > s.graphql_max_directives:
            return [
                graphql_error(
                    "TOO_MANY_DIRECTIVES",
                    f"{shape.directives} directives (fragments expanded); the limit is {s.graphql_max_directives}.",
                    f"指令 {shape.directives} 个（含片段展开），上限为 {s.graphql_max_directives} 个。",
                    directives=shape.directives,
                    limit=s.graphql_max_directives,
                )
            ]
        if shape.fields > s.graphql_max_cost:  # every field costs at least 1, in any operation of the document
            return [_too_costly(shape.fields, s.graphql_max_cost)]
        return []

    def _cost_errors(self, context: ExecutionContext, document: DocumentNode) -> list[GraphQLError]:
        operation = get_operation_ast(document, context.operation_name)
        if operation is None:
            return []  # graphql-core reports the missing or ambiguous operation
        try:
            cost = operation_cost(context.schema._schema, document, operation, context.variables or {})
        except NegativeListSize as exc:
            return [
                graphql_error(
                    "BAD_USER_INPUT",
                    f"{exc.argument} must not be negative ({exc.coordinate}: {exc.value}).",
                    f"{exc.argument} 不能为负数（{exc.coordinate}：{exc.value}）。",
                    argument=exc.argument,
                    field=exc.coordinate,
                )
            ]
        if cost > self.settings.graphql_max_cost:
            return [_too_costly(cost, self.settings.graphql_max_cost)]
        return []


def _too_costly(cost: int, limit: int) -> GraphQLError:
    return graphql_error(
        "QUERY_TOO_COSTLY",
        f"Query cost {cost} exceeds the limit of {limit}.",
        "查询代价超出上限。",
        cost=cost,
        limit=limit,
    )


def _validate(context: ExecutionContext, document: DocumentNode) -> list[GraphQLError]:
    errors = validate_document(context.schema._schema, document, context.validation_rules)
    for error in errors:
        # graphql-core's abort for its work budget; its abort for too many errors keeps the generic code.
        if isinstance(error, ValidationAbortedError) and error.message == "Validation aborted.":
            error.extensions = {
                "code": "QUERY_TOO_COMPLEX",
                "messageZh": "查询过于复杂，校验已中止。",
            }
            error.message = "The document takes too much work to validate (fields sharing one name, or fragments)."
    return errors
