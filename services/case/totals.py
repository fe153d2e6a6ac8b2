"""How many rows a list holds in all, in the caller's scope: a page's `total`, when asked for
(`with_total=true`), counted with the same scope and filters as the page (scoping.count)."""

from typing import Annotated, Generic, TypeVar

from fastapi import Query
from pydantic import Field

from services.common.pagination import Page

T = TypeVar("T")

Before = Annotated[
    str | None,
    Query(
        max_length=200,
        description="Read backwards: the rows just before this cursor (newer ones), `limit` of them; "
        "empty: the list's last rows",
    ),
]
WithTotal = Annotated[bool, Query(description="Also count every row the filters match (the page's `total`)")]


class CountedPage(Page[T], Generic[T]):
    """A page, and how many rows match in all when the request asked (`with_total`); read backwards
    (`before`), `previous_cursor` pages further toward the newest."""

    total: int | None = Field(default=None, description="Rows matching in all; null unless `with_total=true`")
    previous_cursor: str | None = Field(
        default=None, description="With `before`: pass as `before` for the page before this one (newer rows)"
    )
