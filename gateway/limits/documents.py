"""Parsing within the token budget, and parsed documents cached by query text within a size budget.

The cache keeps what does not depend on variables: the document, its shape and graphql-core's
errors. It is bounded by the total length of the queries it holds, not by their number: a parsed
document is thousands of objects, and every one still alive makes each full garbage collection
longer (512 cached documents of the largest allowed size paused the gateway for half a second).
For the same reason documents are kept without source locations (a Location and two tokens per
node); a document that fails validation is parsed again with them, so its errors point into it.
Documents that fail to parse are not cached; refusing them costs one bounded parse.
"""

from collections import OrderedDict
from dataclasses import dataclass

from graphql import DocumentNode, GraphQLError, GraphQLSyntaxError, parse

from gateway.errors import graphql_error
from gateway.limits.shape import Shape, measure_document


def parse_bounded(query: str, max_tokens: int, *, locations: bool = True) -> DocumentNode:
    """The parsed document, or a GraphQLError with `extensions.code`.

    `max_tokens` counts comments too, so a body of comments is bounded like any other; graphql-core
    refuses nesting beyond 200 levels with a syntax error rather than a RecursionError.
    """
    try:
        return parse(query, max_tokens=max_tokens, no_location=not locations)
    except GraphQLSyntaxError as error:
        # Only the message tells which limit stopped the parser.
        if "Parsing aborted" in error.message and "more than" in error.message:
            raise graphql_error(
                "TOO_MANY_TOKENS",
                f"The document has more than {max_tokens} tokens.",
                f"查询文档超过 {max_tokens} 个词法单元。",
                limit=max_tokens,
            ) from None
        if "nested too deeply" in error.message:
            raise graphql_error("QUERY_TOO_DEEP", "The document is nested too deeply.", "查询嵌套过深。") from None
        error.extensions = {**(error.extensions or {}), "code": "GRAPHQL_PARSE_FAILED"}
        raise


@dataclass
class Checked:
    document: DocumentNode
    shape: Shape
    errors: list[GraphQLError] | None = None  # graphql-core's, once it has validated the document


class DocumentCache:
    def __init__(self, max_tokens: int, budget_chars: int = 64 * 1024, max_entry_chars: int = 16 * 1024) -> None:
        self.max_tokens = max_tokens
        self.budget_chars = budget_chars
        self.max_entry_chars = max_entry_chars
        self.entries: OrderedDict[str, Checked] = OrderedDict()
        self.chars = 0

    def located(self, query: str) -> DocumentNode:
        """The document with the locations of its nodes, for errors that point into it."""
        return parse_bounded(query, self.max_tokens)

    def checked(self, query: str) -> Checked:
        """The document of `query` with its shape; raises the parser's coded error."""
        entry = self.entries.get(query)
        if entry is not None:
            self.entries.move_to_end(query)
            return entry
        # Without locations: a third of the objects. Only errors need them; `located` parses again.
        document = parse_bounded(query, self.max_tokens, locations=False)
        entry = Checked(document, measure_document(document))
        if len(query) <= self.max_entry_chars:
            self.entries[query] = entry
            self.chars += len(query)
            while self.chars > self.budget_chars:
                evicted, _ = self.entries.popitem(last=False)
                self.chars -= len(evicted)
        return entry
