"""Sign-in: a picker of demo identities in development and test; OIDC code flow with PKCE in production."""

from typing import Any

from authlib.integrations.starlette_client import OAuthError
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.common.auth import issue_dev_token
from services.common.settings import get_settings
from workbench.ids import local_id
from workbench.oidc import oauth_client, remember_tokens
from workbench.rendering import render
from workbench.session import SignedInUser, sign_in, sign_out
from workbench.settings import WorkbenchSettings

router = APIRouter()

ROLE_OF_LEVEL = {"COUNTY_CENTRE": "centre_staff", "STATION": "station_staff", "COMMUNITY_ROOM": "community_worker"}
ADMIN_REGION = "15"
DEV_TOKEN_TTL_S = 12 * 3600

IDENTITIES = """query($region: String) {
  platforms(first: 100, region: $region) { edges { node { id name level regionCode parent { name } } } }
  organizations(first: 30) { edges { node { id name kind verificationStatus } } }
  volunteers(first: 8) { edges { node { id name regionCode } } } }"""
IDENTITY = """query($id: ID!) { node(id: $id) { __typename
  ... on Platform { id name level regionCode }
  ... on Organization { id name }
  ... on Volunteer { id name regionCode } } }"""
VIEWER = "query { viewer { subject role region platform { id name } } }"


def _settings(request: Request) -> WorkbenchSettings:
    settings: WorkbenchSettings = request.app.state.settings
    return settings


def _dev_token(role: str, subject: str, region: str, **ids: str | None) -> str:
    settings = get_settings()
    return issue_dev_token(
        settings,
        role=role,
        subject=subject,
        region=region,
        ttl_s=DEV_TOKEN_TTL_S,
        platform_id=ids.get("platform_id"),
        org_id=ids.get("org_id"),
        volunteer_id=ids.get("volunteer_id"),
    )


def _admin_token() -> str:
    return _dev_token("civil_affairs_admin", "workbench-dev-admin", ADMIN_REGION)


@router.get("/signin", response_class=HTMLResponse)
async def signin_page(request: Request, next: str = "/today", region: str | None = None) -> Response:
    """Development: the demo identities from the gateway (`?region=` narrows the platforms).
    Production: a button to the OIDC provider."""
    if _settings(request).production:
        return await render(request, "signin/oidc.html", {"next": next})
    data = await request.app.state.gateway.call(_admin_token(), IDENTITIES, {"region": region})
    platforms = [e["node"] for e in data["platforms"]["edges"]]
    groups = [
        ("station_staff", [p for p in platforms if p["level"] == "STATION"]),
        ("centre_staff", [p for p in platforms if p["level"] == "COUNTY_CENTRE"]),
        ("community_worker", [p for p in platforms if p["level"] == "COMMUNITY_ROOM"]),
        ("org_staff", [e["node"] for e in data["organizations"]["edges"]]),
        ("volunteer", [e["node"] for e in data["volunteers"]["edges"]]),
    ]
    return await render(request, "signin/dev.html", {"groups": groups, "next": _safe_next(next)})


@router.post("/signin/dev")
async def signin_dev(request: Request, identity: str = Form(...), next: str = Form("/today")) -> Response:
    """Sign in as a demo identity (refused in production)."""
    if _settings(request).production:
        return HTMLResponse("开发登录在生产环境中不可用。", status_code=404)
    if identity == "admin":
        user = SignedInUser(
            token=_admin_token(),
            role="civil_affairs_admin",
            name="民政管理员",
            subject="workbench-dev-admin",
            region=ADMIN_REGION,
        )
    else:
        node = (await request.app.state.gateway.call(_admin_token(), IDENTITY, {"id": identity}))["node"]
        if node is None:
            return RedirectResponse("/signin", status_code=303)
        user = _dev_user(node)
    sign_in(request, user)
    return RedirectResponse(landing(user, _safe_next(next)), status_code=303)


def landing(user: SignedInUser, next_path: str) -> str:
    """Where a person lands after signing in: the page asked for, else their own start page (a
    volunteer's is their sign-ups and visits, not the station's day)."""
    if next_path == "/today" and user.role == "volunteer":
        return "/volunteers/me"
    return next_path


def _dev_user(node: dict[str, Any]) -> SignedInUser:
    kind, gid = node["__typename"], node["id"]
    subject = f"workbench-dev-{local_id(gid)[:8]}"
    if kind == "Platform":
        role = ROLE_OF_LEVEL[node["level"]]
        token = _dev_token(role, subject, node["regionCode"], platform_id=local_id(gid))
        return SignedInUser(
            token=token,
            role=role,
            name=node["name"],
            subject=subject,
            platform_id=gid,
            platform_name=node["name"],
            region=node["regionCode"],
        )
    if kind == "Organization":
        token = _dev_token("org_staff", subject, "", org_id=local_id(gid))
        return SignedInUser(token=token, role="org_staff", name=node["name"], subject=subject, org_id=gid)
    token = _dev_token("volunteer", subject, node["regionCode"], volunteer_id=local_id(gid))
    return SignedInUser(
        token=token, role="volunteer", name=node["name"], subject=subject, volunteer_id=gid, region=node["regionCode"]
    )


def _safe_next(target: str) -> str:
    """Only a path of this site (never //elsewhere or a full URL)."""
    return target if target.startswith("/") and not target.startswith("//") else "/today"


@router.post("/signout")
async def signout(request: Request) -> Response:
    sign_out(request)
    return RedirectResponse("/signin", status_code=303)


# --- production: OpenID Connect, authorization code with PKCE ---------------------------------


@router.get("/signin/oidc")
async def signin_oidc(request: Request, next: str = "/today") -> Response:
    """To the provider: state, nonce and the PKCE verifier are kept in the session by authlib."""
    if not _settings(request).oidc_issuer:
        return HTMLResponse("未配置统一身份认证（WUSHE_OIDC_ISSUER）。", status_code=404)
    request.session["next"] = _safe_next(next)
    redirect_uri = _settings(request).workbench_public_url.rstrip("/") + "/signin/callback"
    response: Response = await oauth_client(request).authorize_redirect(request, redirect_uri)
    return response


@router.get("/signin/callback")
async def signin_callback(request: Request) -> Response:
    """Back from the provider: the code is exchanged (with the verifier), the gateway says who it is."""
    try:
        token = await oauth_client(request).authorize_access_token(request)
    except OAuthError:
        return await render(request, "signin/oidc.html", {"next": "/today", "failed": True}, status_code=400)
    access_token = str(token["access_token"])
    viewer = (await request.app.state.gateway.call(access_token, VIEWER))["viewer"]
    claims = token.get("userinfo") or {}
    platform = viewer.get("platform") or {}
    name = str(claims.get("name") or claims.get("preferred_username") or platform.get("name") or viewer["subject"])
    next_path = _safe_next(str(request.session.get("next", "/today")))
    user = SignedInUser(
        token=access_token,
        role=str(viewer["role"]).lower(),
        name=name,
        subject=viewer["subject"],
        platform_id=platform.get("id"),
        platform_name=platform.get("name"),
        region=viewer["region"],
    )
    sign_in(request, user)
    remember_tokens(request, token)
    return RedirectResponse(landing(user, next_path), status_code=303)
