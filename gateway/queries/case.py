"""Root query fields over the case service."""

import asyncio
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

import strawberry
from pydantic import BaseModel
from strawberry.types import Info

from gateway.auth import caller, public_reader
from gateway.context import GatewayContext
from gateway.errors import bad_input
from gateway.ids import local_id
from gateway.loaders import fields_param, personal_fields
from gateway.lookahead import fields_on, node_fields_on, node_wants, selected_paths
from gateway.queries.case_file import audit_trail, case_file, platform_staff
from gateway.types.case import (
    Case,
    CaseConnection,
    Need,
    NeedConnection,
    Platform,
    Project,
    PublicWish,
    Recipient,
    RecipientConnection,
)
from gateway.types.common import Connection, connection
from services.case import contract as c
from services.case.contract import CountedPage
from services.common.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page
from services.common.vocabulary import (
    STAFF_ROLES,
    CaseState,
    ItemCategory,
    NeedKind,
    NeedState,
    PlatformLevel,
    RecipientCategory,
    ServiceDomain,
)

GInfo = Info[GatewayContext, None]


# `last` of a backwards page: as many as `first` would give forwards.
Last = Annotated[
    int | None, strawberry.argument(description="Page backwards: the last items before `before` (or at the end)")
]


def page_size(first: int) -> int:
    return max(1, min(first, MAX_PAGE_SIZE))


def _local(global_id: strawberry.ID | None, type_name: str) -> str | None:
    return str(local_id(global_id, type_name)) if global_id else None


@dataclass(frozen=True)
class Relation:
    """A relation a list resolver may fetch ahead: one batch call for the whole page."""

    group: str  # the typed client's resource group (case.recipients ...)
    key: str  # the record's field holding the related id
    attribute: str  # where the built value goes on the node
    build: Callable[[Any], Any]  # the GraphQL type's from_model
    type_name: str  # the GraphQL type, whose selected fields say which personal fields to read

    @property
    def loader(self) -> str:
        return self.group


def _key(record: BaseModel, relation: Relation) -> str | None:
    value = getattr(record, relation.key)
    return str(value) if value is not None else None


async def _prefetch(info: GInfo, records: Sequence[BaseModel], relations: dict[str, Relation]) -> dict[str, Any]:
    """For each selected relation: one batch call for the whole page (relation -> {id: model})."""
    paths = selected_paths(info)
    wanted = {name: relation for name, relation in relations.items() if node_wants(paths, name)}
    case = info.context.upstreams.case

    async def fetch(name: str, relation: Relation) -> Any:
        ids = sorted({key for r in records if (key := _key(r, relation))})
        fields = personal_fields(relation.loader, node_fields_on(info, relation.type_name, (name,)))
        params = {} if fields is None else {"fields": fields_param(fields)}
        try:
            found: dict[str, BaseModel] = await getattr(case, relation.group).batch(ids, **params)
        except Exception as exc:  # the affected fields carry the error; the page stands
            return exc
        # Deeper fields asking for the same records (a case's recipient) then need no call.
        info.context.loaders.prime(relation.loader, list(found.values()), fields)
        return found

    results = await asyncio.gather(*(fetch(name, relation) for name, relation in wanted.items()))
    return dict(zip(wanted, results, strict=True))


async def page_with_relations(
    info: GInfo,
    page: CountedPage[Any],
    build: Callable[[Any], Any],
    relations: dict[str, Relation],
    kind: type[Any],
    has_previous_page: bool,
) -> Any:
    """A page from the case service plus every selected relation, in 1 + (relations selected) calls.

    Nested resolvers then only read the attached values: no per-row call, no per-field await."""
    records = page.items
    related = await _prefetch(info, records, relations)
    nodes = []
    for record in records:
        node = build(record)
        for name, fetched in related.items():
            relation = relations[name]
            if isinstance(fetched, Exception):
                setattr(node, relation.attribute, fetched)
            else:
                key = _key(record, relation)
                found = fetched.get(key) if key else None
                setattr(node, relation.attribute, relation.build(found) if found is not None else None)
        nodes.append(node)
    keys = [(r.created_at, r.id) for r in records]
    return connection(nodes, keys, page.next_cursor, kind, has_previous_page=has_previous_page, total_count=page.total)


def paging(first: int, after: str | None, last: int | None, before: str | None) -> dict[str, Any]:
    """The service's parameters for a page forwards (first/after) or backwards (last/before: the
    `last` items before `before`, or at the end of the list)."""
    if last is None and before is None:
        return {"limit": page_size(first), "cursor": after}
    if after is not None:
        raise bad_input("Page forwards (first/after) or backwards (last/before), not both.", "分页只能向前或向后之一。")
    return {"limit": page_size(last if last is not None else first), "before": before or ""}


def earlier_pages(window: dict[str, Any], page: CountedPage[Any]) -> bool:
    """hasPreviousPage: backwards, whether the service found newer items; forwards, whether a page was skipped."""
    return page.previous_cursor is not None if "before" in window else window["cursor"] is not None


def wants_total(info: GInfo, connection: str) -> bool | None:
    """Whether the query selects `totalCount` (the service then counts; None: the parameter is left out)."""
    return True if "totalCount" in fields_on(info, connection) else None


def selected_fields(info: GInfo, loader: str, type_name: str) -> str | None:
    """The `fields` parameter for the personal fields the query selects on a page's nodes."""
    return fields_param(personal_fields(loader, node_fields_on(info, type_name)))


@strawberry.input(description="Filters of the station dashboard's need list.")
class NeedFilter:
    kind: NeedKind | None = None
    state: NeedState | None = None
    item_category: ItemCategory | None = None
    region: str | None = strawberry.field(default=None, description="Region-code prefix")
    platform_id: strawberry.ID | None = None
    project_id: strawberry.ID | None = None
    case_id: strawberry.ID | None = strawberry.field(default=None, description="The needs of one case")


@strawberry.input
class PublicWishFilter:
    region: str | None = strawberry.field(default=None, description="Region-code prefix")
    kind: NeedKind | None = None
    item_category: ItemCategory | None = None
    project_id: strawberry.ID | None = None


@strawberry.input
class RecipientFilter:
    platform_id: strawberry.ID | None = None
    region: str | None = None
    category: RecipientCategory | None = None
    name: str | None = None


@strawberry.input
class CaseFilter:
    platform_id: strawberry.ID | None = None
    state: CaseState | None = None
    domain: ServiceDomain | None = None
    region: str | None = None


RECIPIENT = Relation("recipients", "recipient_id", "prefetched_recipient", Recipient.from_model, "Recipient")
CASE = Relation("cases", "case_id", "prefetched_case", Case.from_model, "Case")
PLATFORM = Relation("platforms", "platform_id", "prefetched_platform", Platform.from_model, "Platform")


async def needs(
    info: GInfo,
    first: int = DEFAULT_PAGE_SIZE,
    after: str | None = None,
    filter: NeedFilter | None = None,
    last: Last = None,
    before: str | None = None,
) -> NeedConnection | None:
    """The station dashboard: needs in your scope with recipient, case and platform in a fixed number of calls."""
    caller(info, roles=STAFF_ROLES)
    f = filter or NeedFilter()
    window = paging(first, after, last, before)
    params = {
        **window,
        "kind": f.kind,
        "state": f.state,
        "item_category": f.item_category,
        "region": f.region,
        "platform_id": _local(f.platform_id, "Platform"),
        "project_id": _local(f.project_id, "Project"),
        "case_id": _local(f.case_id, "Case"),
    }
    page = await info.context.upstreams.case.needs.page(**params, with_total=wants_total(info, "NeedConnection"))
    relations = {"recipient": RECIPIENT, "case": CASE, "platform": PLATFORM}
    return await page_with_relations(
        info, page, Need.from_model, relations, NeedConnection, earlier_pages(window, page)
    )


async def public_wishes(
    info: GInfo, first: int = DEFAULT_PAGE_SIZE, after: str | None = None, filter: PublicWishFilter | None = None
) -> Connection[PublicWish] | None:
    """The anonymised wish feed for donors and apps (scope `wishes:read`)."""
    public_reader(info, "wishes:read")
    f = filter or PublicWishFilter()
    page = await info.context.upstreams.case.public_wishes.page(
        limit=page_size(first),
        cursor=after,
        region=f.region,
        kind=f.kind,
        item_category=f.item_category,
        project_id=_local(f.project_id, "Project"),
    )
    return _wish_connection(page)


def _wish_connection(page: Page[c.PublicWish]) -> Connection[PublicWish]:
    nodes = [PublicWish.from_model(w) for w in page.items]
    return connection(nodes, [(w.published_at, w.id) for w in page.items], page.next_cursor)


async def fulfilled_wishes(
    info: GInfo, first: int = DEFAULT_PAGE_SIZE, after: str | None = None, filter: PublicWishFilter | None = None
) -> Connection[PublicWish] | None:
    """The thank-you wall (已圆梦): fulfilled wishes with their proof (note, photo) and the recipient's
    thanks, anonymised like the feed. Open to anonymous callers where the feed is."""
    public_reader(info, "wishes:read")
    f = filter or PublicWishFilter()
    page = await info.context.upstreams.case.public_wishes.page(
        state=NeedState.FULFILLED,
        limit=page_size(first),
        cursor=after,
        region=f.region,
        kind=f.kind,
        item_category=f.item_category,
        project_id=_local(f.project_id, "Project"),
    )
    return _wish_connection(page)


async def recipients(
    info: GInfo,
    first: int = DEFAULT_PAGE_SIZE,
    after: str | None = None,
    filter: RecipientFilter | None = None,
    last: Last = None,
    before: str | None = None,
) -> RecipientConnection | None:
    """Recipients in your scope; masked for civil-affairs admins. Unmasked reads are audited."""
    caller(info, roles=STAFF_ROLES)
    f = filter or RecipientFilter()
    window = paging(first, after, last, before)
    params = {
        **window,
        "region": f.region,
        "category": f.category,
        "name": f.name,
        "platform_id": _local(f.platform_id, "Platform"),
    }
    params["fields"] = selected_fields(info, "recipients", "Recipient")
    params["with_total"] = wants_total(info, "RecipientConnection")
    page = await info.context.upstreams.case.recipients.page(**params)
    relations = {"platform": PLATFORM}
    return await page_with_relations(
        info, page, Recipient.from_model, relations, RecipientConnection, earlier_pages(window, page)
    )


async def cases(
    info: GInfo,
    first: int = DEFAULT_PAGE_SIZE,
    after: str | None = None,
    filter: CaseFilter | None = None,
    last: Last = None,
    before: str | None = None,
) -> CaseConnection | None:
    """Cases in your scope with their recipients and platforms."""
    caller(info, roles=STAFF_ROLES)
    f = filter or CaseFilter()
    window = paging(first, after, last, before)
    params = {
        **window,
        "state": f.state,
        "domain": f.domain,
        "region": f.region,
        "platform_id": _local(f.platform_id, "Platform"),
    }
    params["fields"] = selected_fields(info, "cases", "Case")
    params["with_total"] = wants_total(info, "CaseConnection")
    page = await info.context.upstreams.case.cases.page(**params)
    relations = {"recipient": RECIPIENT, "platform": PLATFORM}
    return await page_with_relations(
        info, page, Case.from_model, relations, CaseConnection, earlier_pages(window, page)
    )


async def platforms(
    info: GInfo,
    first: int = DEFAULT_PAGE_SIZE,
    after: str | None = None,
    level: PlatformLevel | None = None,
    region: str | None = None,
) -> Connection[Platform] | None:
    """Service platforms you can see: your subtree and the platforms above it."""
    caller(info, roles=STAFF_ROLES)
    page = await info.context.upstreams.case.platforms.page(
        limit=page_size(first), cursor=after, level=level, region=region
    )
    return connection([Platform.from_model(p) for p in page.items], _keys(page), page.next_cursor)


async def projects(
    info: GInfo, first: int = DEFAULT_PAGE_SIZE, after: str | None = None, brand_only: bool = False
) -> Connection[Project] | None:
    """Pilot and brand projects in your scope."""
    caller(info, roles=STAFF_ROLES)
    page = await info.context.upstreams.case.projects.page(
        limit=page_size(first), cursor=after, is_brand=True if brand_only else None
    )
    return connection([Project.from_model(p) for p in page.items], _keys(page), page.next_cursor)


def _keys(page: Page[Any]) -> list[tuple[datetime, uuid.UUID]]:
    return [(r.created_at, r.id) for r in page.items]


@strawberry.type
class CaseQueryFields:
    """The query fields this module resolves (merged into the schema's root type)."""

    needs = strawberry.field(resolver=needs)
    public_wishes = strawberry.field(resolver=public_wishes)
    fulfilled_wishes = strawberry.field(resolver=fulfilled_wishes)
    recipients = strawberry.field(resolver=recipients)
    cases = strawberry.field(resolver=cases)
    platforms = strawberry.field(resolver=platforms)
    projects = strawberry.field(resolver=projects)
    case_file = strawberry.field(resolver=case_file)
    platform_staff = strawberry.field(resolver=platform_staff)
    audit_trail = strawberry.field(resolver=audit_trail)
