"""Sealed tickets: how one service vouches for a record to another, through the caller.

A hold or a pledge in the resources service serves a need of the case service. Who owns that need
(its platform's path in the platform tree) and where it lies (its full region code) decide who may
see the hold, so they must not come from the caller's body. The case service, after its own scope
check, seals a *need ticket* (owner, region, the caller it was issued to, a short lifetime) that the
caller hands to resources; resources opens it and takes the facts from it. Likewise resources seals
a *pledge receipt* that the case service requires before a donor's claim may reserve a wish, and the
case service a *platform ticket* (a platform's place in the tree and its region) that the volunteers
service, which has no platform tree, requires before a row is written for a platform not the caller's.

Tickets are Fernet tokens (AES-128-CBC + HMAC-SHA256, from `cryptography`): encrypted as well as
signed, so the full region code of a public wish never reaches the app that carries the ticket.
The key is `WUSHE_TICKET_KEY`, shared by the services (production refuses the development key).
"""

import base64
import hashlib
import json
import uuid
from dataclasses import asdict, dataclass
from typing import Annotated, Any, TypeVar

from cryptography.fernet import Fernet, InvalidToken

from services.common.auth import Principal
from services.common.clock import clock
from services.common.errors import BadInput
from services.common.fields import StorableText
from services.common.settings import Settings

TICKET_TTL_S = 10 * 60
SealedTicket = Annotated[str, StorableText(2000, min_length=1, strip=False)]


class TicketInvalid(BadInput):
    status, code, title = 422, "TICKET_INVALID", "Ticket invalid"


@dataclass(frozen=True)
class NeedTicket:
    """The case service's word on a need: its owner, its region, and to whom it said so."""

    need_id: uuid.UUID
    platform_id: uuid.UUID
    platform_path: str  # "/<centre id>/<station id>/": every platform above the owner, and the owner
    region_code: str
    subject: str
    # Added later, so tickets sealed before them still open (empty = not said): the need's kind, its
    # public title (for the fund's disclosure), and what it still lacks — units of a micro-wish or
    # yuan of a funding need — which no hold or pledge may exceed.
    need_kind: str = ""
    title: str = ""
    lacking: str = ""


@dataclass(frozen=True)
class PlatformTicket:
    """The case service's word on a platform in the caller's subtree: where it lies in the tree."""

    platform_id: uuid.UUID
    platform_path: str  # "/<centre id>/<station id>/", ending with the platform itself
    region_code: str
    subject: str


@dataclass(frozen=True)
class PledgeReceipt:
    """The resources service's word that a pledge holds something for a need."""

    need_id: uuid.UUID
    hold_id: uuid.UUID
    subject: str


T = TypeVar("T", NeedTicket, PlatformTicket, PledgeReceipt)


def _fernet(settings: Settings) -> Fernet:
    digest = hashlib.sha256(f"wushe-ticket\n{settings.ticket_key}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(ticket: NeedTicket | PlatformTicket | PledgeReceipt, settings: Settings) -> str:
    payload = {"kind": type(ticket).__name__, **{k: str(v) for k, v in asdict(ticket).items()}}
    token = _fernet(settings).encrypt_at_time(json.dumps(payload).encode(), int(clock.now().timestamp()))
    return token.decode()


def unseal(kind: type[T], token: str, principal: Principal, settings: Settings) -> T:
    """The ticket's facts, if it is genuine, fresh, of this kind and issued to this caller (else 422)."""
    try:
        raw = _fernet(settings).decrypt_at_time(token.encode(), TICKET_TTL_S, int(clock.now().timestamp()))
        payload: dict[str, Any] = json.loads(raw)
        if payload.pop("kind") != kind.__name__:
            raise ValueError("another kind of ticket")
        fields: dict[str, Any] = {k: uuid.UUID(v) if k.endswith("_id") else v for k, v in payload.items()}
        ticket = kind(**fields)
    except (InvalidToken, ValueError, TypeError, KeyError) as exc:
        raise TicketInvalid(
            "The ticket is not genuine, has expired (10 minutes) or is of another kind; ask for a new one.",
            "凭据无效、已过期（10分钟）或类型不符，请重新获取。",
        ) from exc
    if ticket.subject != principal.subject:
        raise TicketInvalid("The ticket was issued to another caller.", "该凭据签发给了其他调用方。")
    return ticket
