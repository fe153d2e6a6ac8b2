"""Who is signed in (a signed session cookie holding the user's bearer token) and the CSRF check.

The cookie is Starlette's SessionMiddleware (itsdangerous-signed, HttpOnly, SameSite=Lax, Secure in
production). Every unsafe request must echo the session's CSRF token, as the form field `csrf_token`
or the `X-CSRF-Token` header that htmx sends from the page's <body hx-headers>."""

import secrets
from dataclasses import dataclass
from typing import Annotated, Any

import httpx
from authlib.integrations.starlette_client import OAuthError
from fastapi import Depends, Request

from workbench.oidc import fresh_access_token

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
STAFF_ROLES = frozenset({"civil_affairs_admin", "centre_staff", "station_staff", "community_worker"})


class NotSignedIn(Exception):
    """No user in the session (or the gateway refused the token): off to the sign-in page."""


class CsrfRefused(Exception):
    """An unsafe request without the session's CSRF token: 403 with a Chinese message."""


@dataclass(frozen=True)
class SignedInUser:
    token: str
    role: str
    name: str  # what the header shows: "东山街道社工站 · 社工站工作人员"
    subject: str
    platform_id: str | None = None  # global ids, for the pages' GraphQL variables
    platform_name: str | None = None
    region: str = ""
    org_id: str | None = None
    volunteer_id: str | None = None

    @classmethod
    def from_session(cls, data: dict[str, Any]) -> "SignedInUser":
        return cls(**data)

    @property
    def staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def scope(self) -> dict[str, str | None]:
        """GraphQL filter variables for "my work": a station's (or community room's) own platform; a
        county centre's or the admin's whole region (their stations' work lies under their region code)."""
        if self.role in ("station_staff", "community_worker"):
            return {"platform": self.platform_id, "region": None}
        return {"platform": None, "region": self.region or None}


def sign_in(request: Request, user: SignedInUser) -> None:
    request.session.clear()
    request.session["user"] = user.__dict__.copy()
    request.session["csrf"] = secrets.token_urlsafe(32)


def sign_out(request: Request) -> None:
    request.session.clear()


def optional_user(request: Request) -> SignedInUser | None:
    data = request.session.get("user")
    return SignedInUser.from_session(data) if data else None


async def current_user(request: Request) -> SignedInUser:
    """The signed-in user; an OIDC access token about to expire is refreshed first."""
    user = optional_user(request)
    if user is None:
        raise NotSignedIn()
    try:
        token = await fresh_access_token(request)
    except (OAuthError, httpx.HTTPError, KeyError, ValueError) as exc:  # refused, provider down: sign in again
        request.session.clear()
        raise NotSignedIn() from exc
    if token is not None:
        user = SignedInUser(**{**user.__dict__, "token": token})
        request.session["user"] = user.__dict__.copy()
    return user


User = Annotated[SignedInUser, Depends(current_user)]


def csrf_token(request: Request) -> str:
    """The session's CSRF token (made on first use, so the sign-in form has one too)."""
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return str(token)


async def check_csrf(request: Request) -> None:
    """Every route's dependency: unsafe methods must carry the session's token."""
    if request.method in SAFE_METHODS:
        return
    expected = request.session.get("csrf")
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not expected or not sent or not secrets.compare_digest(str(expected), sent):
        raise CsrfRefused()
