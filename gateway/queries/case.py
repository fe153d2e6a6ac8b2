"""Root query fields over the case service."""

import asyncio
from collections.abc import Callable
from typing import Any

import strawberry
from strawberry.types import Info

from gateway.auth import caller, public_reader
from gateway.context import GatewayContext
from gateway.ids import local_id
from gateway.lookahead import node_wants, selected_paths
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


async def _prefetch(
    info: GInfo, records: list[dict[str, Any]], relations: dict[str, tuple[str, str, str]]
) -> dict[str, Any]:
    """For each selected relation: one batch call for the whole page (relation -> {id: record})."""
    paths = selected_paths(info)
    wanted = {name: spec for name, spec in relations.items() if node_wants(paths, name)}
    upstreams = info.context.upstreams

    async def fetch(service: str, resource: str, key: str) -> Any:
        ids = sorted({r[key] for r in records if r.get(key)})
        try:
            found = await getattr(upstreams, service).batch(resource, ids)
        except Exception as exc:  # the affected fields carry the error; the page stands
            return exc
        # Deeper fields asking for the same records (a case's recipient) then need no call.
        info.context.loaders.prime(resource.replace("-", "_"), list(found.values()))
        return found

    results = await asyncio.gather(*(fetch(*spec) for spec in wanted.values()))
    return dict(zip(wanted, results, strict=True))


def _attach(node: Any, attribute: str, fetched: Any, key: str | None, build: Callable[[dict[str, Any]], Any]) -> None:
    if isinstance(fetched, Exception):
        setattr(node, attribute, fetched)
    else:
        record = fetched.get(key) if key else None
        setattr(node, attribute, build(record) if record is not None else None)


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


NEED_RELATIONS = {
    "recipient": ("case", "recipients", "recipient_id"),
    "case": ("case", "cases", "case_id"),
    "platform": ("case", "platforms", "platform_id"),
}


async def needs(
    info: GInfo, first: int = DEFAULT_PAGE_SIZE, after: str | None = None, filter: NeedFilter | None = None
) -> Connection[Need] | None:
    """The station dashboard: needs in your scope with recipient, case and platform in a fixed number of calls."""
    caller(info, roles=STAFF_ROLES)
    f = filter or NeedFilter()
    page = await info.context.upstreams.case.page(
        "needs",
        limit=page_size(first),
        cursor=after,
        kind=f.kind,
        state=f.state,
        item_category=f.item_category,
        region=f.region,
        platform_id=_local(f.platform_id, "Platform"),
        project_id=_local(f.project_id, "Project"),
    )
    records = page["items"]
    related = await _prefetch(info, records, NEED_RELATIONS)
    nodes = []
    for record in records:
        need = Need.from_record(record)
        if "recipient" in related:
            _attach(need, "prefetched_recipient", related["recipient"], record["recipient_id"], Recipient.from_record)
        if "case" in related:
            _attach(need, "prefetched_case", related["case"], record["case_id"], Case.from_record)
        if "platform" in related:
            _attach(need, "prefetched_platform", related["platform"], record["platform_id"], Platform.from_record)
        nodes.append(need)
    return connection(nodes, records, page["next_cursor"])


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
    page = await info.context.upstreams.case.page(
        "recipients",
        limit=page_size(first),
        cursor=after,
        region=f.region,
        category=f.category,
        name=f.name,
        platform_id=_local(f.platform_id, "Platform"),
    )
    records = page["items"]
    related = await _prefetch(info, records, {"platform": ("case", "platforms", "platform_id")})
    nodes = []
    for record in records:
        node = Recipient.from_record(record)
        if "platform" in related:
            _attach(node, "prefetched_platform", related["platform"], record["platform_id"], Platform.from_record)
        nodes.append(node)
    return connection(nodes, records, page["next_cursor"])


async def cases(
    info: GInfo, first: int = DEFAULT_PAGE_SIZE, after: str | None = None, filter: CaseFilter | None = None
) -> Connection[Case] | None:
    """Cases in your scope with their recipients and platforms."""
    caller(info, roles=STAFF_ROLES)
    f = filter or CaseFilter()
    page = await info.context.upstreams.case.page(
        "cases",
        limit=page_size(first),
        cursor=after,
        state=f.state,
        domain=f.domain,
        region=f.region,
        platform_id=_local(f.platform_id, "Platform"),
    )
    records = page["items"]
    related = await _prefetch(
        info,
        records,
        {"recipient": ("case", "recipients", "recipient_id"), "platform": ("case", "platforms", "platform_id")},
    )
    nodes = []
    for record in records:
        node = Case.from_record(record)
        if "recipient" in related:
            _attach(node, "prefetched_recipient", related["recipient"], record["recipient_id"], Recipient.from_record)
        if "platform" in related:
            _attach(node, "prefetched_platform", related["platform"], record["platform_id"], Platform.from_record)
        nodes.append(node)
    return connection(nodes, records, page["next_cursor"])


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
