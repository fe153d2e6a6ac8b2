"""Shared GraphQL building blocks: the Relay Node interface, connections, enums, error results."""

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Generic, TypeVar

import strawberry

from services.common import vocabulary as v
from services.common.pagination import encode_cursor

T = TypeVar("T")

# GraphQL enums straight from the one vocabulary (values are the stable codes):
# strawberry.enum marks the class itself, so the names below are the vocabulary's classes (real types).
for _vocabulary in (
    v.PlatformLevel,
    v.ServiceModel,
    v.StaffRole,
    v.StaffSpecialty,
    v.Certification,
    v.RecipientCategory,
    v.ServiceDomain,
    v.CaseState,
    v.NeedKind,
    v.NeedState,
    v.ItemCategory,
    v.RiskLevel,
    v.Gender,
    v.Skill,
    v.Language,
    v.ServiceRecordKind,
    v.Role,
    v.ReferralState,
):
    strawberry.enum(_vocabulary)
PlatformLevel = v.PlatformLevel
ServiceModel = v.ServiceModel
StaffRole = v.StaffRole
StaffSpecialty = v.StaffSpecialty
Certification = v.Certification
RecipientCategory = v.RecipientCategory
ServiceDomain = v.ServiceDomain
CaseState = v.CaseState
NeedKind = v.NeedKind
NeedState = v.NeedState
ItemCategory = v.ItemCategory
RiskLevel = v.RiskLevel
Gender = v.Gender
Skill = v.Skill
Language = v.Language
ServiceRecordKind = v.ServiceRecordKind
Role = v.Role


def parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@strawberry.interface(description="An object with a global id (Relay).")
class Node:
    id: strawberry.ID


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool = False
    start_cursor: str | None = None
    end_cursor: str | None = None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type(description="A page of results; pass `pageInfo.endCursor` as `after` for the next.")
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo

    @strawberry.field(description="The nodes of `edges`, for clients that need no cursors.")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]


def connection(
    nodes: Sequence[Any],
    keys: Sequence[tuple[datetime, uuid.UUID]],
    next_cursor: str | None,
    kind: type[Any] = Connection,
    *,
    has_previous_page: bool = False,
    **extra: Any,
) -> Any:
    """A page of a service as a connection (of type `kind`, with `extra` fields such as
    total_count); `keys` are the rows' (time, id) the service's keyset cursor encodes (created_at,
    or published_at for the public feed)."""
    edges = [Edge(cursor=encode_cursor(at, id_), node=n) for n, (at, id_) in zip(nodes, keys, strict=True)]
    return kind(
        edges=edges,
        page_info=PageInfo(
            has_next_page=next_cursor is not None,
            has_previous_page=has_previous_page,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=next_cursor or (edges[-1].cursor if edges else None),
        ),
        **extra,
    )


def keys_of(models: Sequence[Any]) -> list[tuple[datetime, uuid.UUID]]:
    """The (created_at, id) keys of a page of contract models."""
    return [(m.created_at, m.id) for m in models]


@strawberry.type(description="A code of the shared vocabulary with its zh-CN label.")
class Term:
    code: str = strawberry.field(description="The code as the REST APIs and exports carry it (micro_wish)")
    label: str = strawberry.field(description="What people read (微心愿)")
    name: str = strawberry.field(default="", description="The enum value in GraphQL (MICRO_WISH)")


@strawberry.type
class Vocabulary:
    name: str
    terms: list[Term]


# Expected outcomes of mutations (CONVENTIONS.md "Errors"): members of each result union.
@strawberry.type(description="Why one input field was refused, in English and zh-CN.")
class FieldError:
    field: str = strawberry.field(description="The input field, dotted (`consent.givenBy` as `consent.given_by`)")
    message: str
    message_zh: str
    code: str = strawberry.field(default="", description="The validation rule that failed, e.g. string_too_long")


@strawberry.type(description="The input was refused; nothing was written. `errors` says why, field by field.")
class InvalidInput:
    message: str
    message_zh: str
    fields: list[str]
    errors: list[FieldError] = strawberry.field(default_factory=list)
    code: str = strawberry.field(
        default="BAD_USER_INPUT",
        description="Why: BAD_USER_INPUT, VALIDATION_FAILED, or PERSONAL_DATA_IN_TEXT (a text shown to outsiders "
        "carries an ID number, a phone number, or the recipient's name or address; `fields` names it)",
    )


@strawberry.type(description="The record does not exist or is outside your scope.")
class NotFound:
    message: str
    message_zh: str


@strawberry.type(description="The record is not in a state that allows this (e.g. an illegal transition).")
class Conflict:
    code: str
    message: str
    message_zh: str
    current_state: str | None = None
    allowed: list[str] | None = None


@strawberry.type(description="Someone changed the record since you read it; read it again.")
class StaleVersion:
    message: str
    message_zh: str
