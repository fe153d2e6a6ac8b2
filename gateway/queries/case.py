"""Root query fields over the case service."""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import strawberry
from strawberry.types import Info

from gateway.auth import caller, public_reader
from gateway.context import GatewayContext
from gateway.ids import local_id
from gateway.loaders import fields_param, personal_fields
from gateway.lookahead import node_fields_on, node_wants, selected_paths
from gateway.types.case import Case, Need, Platform, Project, PublicWish, Recipient
from gateway.types.common import (
    CaseState,
    Connection,
    ItemCategory,
    NeedKind,
    NeedState,
    PlatformLevel,
    RecipientCategory,
    ServiceDomain,
    connection,
)
from services.common.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from services.common.vocabulary import STAFF_ROLES

GInfo = Info[GatewayContext, None]


def page_size(first: int) -> int:
    return max(1, min(first, MAX_PAGE_SIZE))


def _local(global_id: strawberry.ID | None, type_name: str) -> str | None:
    return str(local_id(global_id, type_name)) if global_id else None


@dataclass(frozen=True)
class Relation:
    """A relation a list resolver may fetch ahead: one batch call for the whole page."""

    service: str
    resource: str
    key: str  # the record's field holding the related id
    attribute: str  # where the built value goes on the node
    build: Callable[[dict[str, Any]], Any]
    type_name: str  # the GraphQL type, whose selected fields say which personal fields to read

    @property
    def loader(self) -> str:
        return self.resource.replace("-", "_")


async def _prefetch(info: GInfo, records: list[dict[str, Any]], relations: dict[str, Relation]) -> dict[str, Any]:
    """For each selected relation: one batch call for the whole page (relation -> {id: record})."""
    paths = selected_paths(info)
    wanted = {name: relation for name, relation in relations.items() if node_wants(paths, name)}
    upstreams = info.context.upstreams

    async def fetch(name: str, relation: Relation) -> Any:
        ids = sorted({r[relation.key] for r in records if r.get(relation.key)})
        fields = personal_fields(relation.loader, node_fields_on(info, relation.type_name, (name,)))
        params = {} if fields is None else {"fields": fields_param(fields)}
        try:
            found = await getattr(upstreams, relation.service).batch(relation.resource, ids, **params)
        except Exception as exc:  # the affected fields carry the error; the page stands
            return exc
        # Deeper fields asking for the same records (a case's recipient) then need no call.
        info.context.loaders.prime(relation.loader, list(found.values()), fields)
        return found

    results = await asyncio.gather(*(fetch(name, relation) for name, relation in wanted.items()))
    return dict(zip(wanted, results, strict=True))


async def page_with_relations(
    info: GInfo,
    resource: str,
    params: dict[str, Any],
    build: Callable[[dict[str, Any]], Any],
    relations: dict[str, Relation],
    type_name: str,
) -> Connection[Any]:
    """A page from the case service plus every selected relation, in 1 + (relations selected) calls.

    Nested resolvers then only read the attached values: no per-row call, no per-field await.
    Records with personal fields show (and the service audits) only those the query selects."""
    fields = personal_fields(resource, node_fields_on(info, type_name))
    if fields is not None:
        params = {**params, "fields": fields_param(fields)}
    page = await info.context.upstreams.case.page(resource, **params)
    records = page["items"]
    related = await _prefetch(info, records, relations)
    nodes = []
    for record in records:
        node = build(record)
        for name, fetched in related.items():
            relation = relations[name]
            if isinstance(fetched, Exception):
                setattr(node, relation.attribute, fetched)
            else:
                found = fetched.get(record[relation.key]) if record.get(relation.key) else None
                setattr(node, relation.attribute, relation.build(found) if found is not None else None)
        nodes.append(node)
    return connection(nodes, records, page["next_cursor"])


@strawberry.input(description="Filters of the station dashboard's need list.")
class NeedFilter:
    kind: NeedKind | None = None
    state: NeedState | None = None
    item_category: ItemCategory | None = None
    region: str | None = strawberry.field(default=None, description="Region-code prefix")
    platform_id: strawberry.ID | None = None
    project_id: strawberry.ID | None = None


@strawberry.input
class PublicWishFilter:
    region: str | None = None
    kind: NeedKind | None = None
    item_category: ItemCategory | None = None


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


RECIPIENT = Relation("case", "recipients", "recipient_id", "prefetched_recipient", Recipient.from_record, "Recipient")
CASE = Relation("case", "cases", "case_id", "prefetched_case", Case.from_record, "Case")
PLATFORM = Relation("case", "platforms", "platform_id", "prefetched_platform", Platform.from_record, "Platform")


async def needs(
    info: GInfo, first: int = DEFAULT_PAGE_SIZE, after: str | None = None, filter: NeedFilter | None = None
) -> Connection[Need] | None:
    """The station dashboard: needs in your scope with recipient, case and platform in a fixed number of calls."""
    caller(info, roles=STAFF_ROLES)
    f = filter or NeedFilter()
    params = {
        "limit": page_size(first),
        "cursor": after,
        "kind": f.kind,
        "state": f.state,
        "item_category": f.item_category,
        "region": f.region,
        "platform_id": _local(f.platform_id, "Platform"),
        "project_id": _local(f.project_id, "Project"),
    }
    relations = {"recipient": RECIPIENT, "case": CASE, "platform": PLATFORM}
    return await page_with_relations(info, "needs", params, Need.from_record, relations, "Need")


async def public_wishes(
    info: GInfo, first: int = DEFAULT_PAGE_SIZE, after: str | None = None, filter: PublicWishFilter | None = None
) -> Connection[PublicWish] | None:
    """The anonymised wish feed for donors and apps (scope `wishes:read`)."""
    public_reader(info, "wishes:read")
    f = filter or PublicWishFilter()
    page = await info.context.upstreams.case.page(
        "public-wishes",
        limit=page_size(first),
        cursor=after,
        region=f.region,
        kind=f.kind,
        item_category=f.item_category,
    )
    records = page["items"]
    records_with_time = [{**r, "created_at": r["published_at"]} for r in records]
    return connection([PublicWish.from_record(r) for r in records], records_with_time, page["next_cursor"])


async def recipients(
    info: GInfo, first: int = DEFAULT_PAGE_SIZE, after: str | None = None, filter: RecipientFilter | None = None
) -> Connection[Recipient] | None:
    """Recipients in your scope; masked for civil-affairs admins. Unmasked reads are audited."""
    caller(info, roles=STAFF_ROLES)
    f = filter or RecipientFilter()
    params = {
        "limit": page_size(first),
        "cursor": after,
        "region": f.region,
        "category": f.category,
        "name": f.name,
        "platform_id": _local(f.platform_id, "Platform"),
    }
    relations = {"platform": PLATFORM}
    return await page_with_relations(info, "recipients", params, Recipient.from_record, relations, "Recipient")


async def cases(
    info: GInfo, first: int = DEFAULT_PAGE_SIZE, after: str | None = None, filter: CaseFilter | None = None
) -> Connection[Case] | None:
    """Cases in your scope with their recipients and platforms."""
    caller(info, roles=STAFF_ROLES)
    f = filter or CaseFilter()
    params = {
        "limit": page_size(first),
        "cursor": after,
        "state": f.state,
        "domain": f.domain,
        "region": f.region,
        "platform_id": _local(f.platform_id, "Platform"),
    }
    relations = {"recipient": RECIPIENT, "platform": PLATFORM}
    return await page_with_relations(info, "cases", params, Case.from_record, relations, "Case")


async def platforms(
    info: GInfo,
    first: int = DEFAULT_PAGE_SIZE,
    after: str | None = None,
    level: PlatformLevel | None = None,
    region: str | None = None,
) -> Connection[Platform] | None:
    """Service platforms you can see: your subtree and the platforms above it."""
    caller(info, roles=STAFF_ROLES)
    page = await info.context.upstreams.case.page(
        "platforms", limit=page_size(first), cursor=after, level=level, region=region
    )
    records = page["items"]
    return connection([Platform.from_record(r) for r in records], records, page["next_cursor"])


async def projects(
    info: GInfo, first: int = DEFAULT_PAGE_SIZE, after: str | None = None, brand_only: bool = False
) -> Connection[Project] | None:
    """Pilot and brand projects in your scope."""
    caller(info, roles=STAFF_ROLES)
    page = await info.context.upstreams.case.page(
        "projects", limit=page_size(first), cursor=after, is_brand=True if brand_only else None
    )
    records = page["items"]
    return connection([Project.from_record(r) for r in records], records, page["next_cursor"])


@strawberry.type
class CaseQueryFields:
    """The query fields this module resolves (merged into the schema's root type)."""

    needs = strawberry.field(resolver=needs)
    public_wishes = strawberry.field(resolver=public_wishes)
    recipients = strawberry.field(resolver=recipients)
    cases = strawberry.field(resolver=cases)
    platforms = strawberry.field(resolver=platforms)
    projects = strawberry.field(resolver=projects)
