"""Templates, the page frame's context (user, language, CSRF, navigation) and the display filters."""

import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from workbench.i18n import LANG_COOKIE, language_of, translator
from workbench.session import csrf_token, optional_user

TEMPLATES = Path(__file__).parent / "templates"
BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")

# The seven areas of issue 19, in the order the navigation shows them: (key, path).
NAVIGATION = [
    ("today", "/today"),
    ("people", "/people"),
    ("needs", "/needs"),
    ("volunteers", "/volunteers"),
    ("imports", "/imports"),
    ("stats", "/stats"),
]

# Charities' staff and volunteers are not staff of a platform: the areas the gateway lets them use.
NON_STAFF_AREAS = {"org_staff": {"today", "volunteers"}, "volunteer": {"today", "volunteers"}}

templates = Jinja2Templates(directory=str(TEMPLATES))


def navigation_for(role: str | None) -> list[tuple[str, str]]:
    areas = NON_STAFF_AREAS.get(role or "")
    return [(key, path) for key, path in NAVIGATION if areas is None or key in areas]


def parse_moment(value: str | datetime | None) -> datetime | None:
    if value is None or value == "":
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def beijing_filter(value: str | datetime | None, with_time: bool = True) -> str:
    """An ISO instant as Beijing time, "2026-12-01 09:30" (or the date alone)."""
    moment = parse_moment(value)
    if moment is None:
        return ""
    local = moment.astimezone(BEIJING)
    return local.strftime("%Y-%m-%d %H:%M") if with_time else local.strftime("%Y-%m-%d")


def date_filter(value: str | date | None) -> str:
    if not value:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)[:10]


def label_filter(request: Request, value: str | None, vocabulary: str | None = None) -> str:
    """An enum value (MICRO_WISH) as people read it (微心愿), from the gateway's vocabularies. A few
    values mean different things in different lists (CLOSED: a case's 结案, a need's 已关闭; PENDING;
    ELDERLY): name the list, `label(need.state, "NeedState")`, where it matters."""
    if value is None:
        return ""
    if language_of(request) == "en":
        return str(value).replace("_", " ").capitalize()
    if vocabulary:
        named: dict[str, dict[str, str]] = getattr(request.app.state, "vocabulary_labels", {})
        if str(value) in named.get(vocabulary, {}):
            return named[vocabulary][str(value)]
    labels: dict[str, str] = getattr(request.app.state, "labels", {})
    return labels.get(str(value), str(value))


def reason_filter(text: str, lang: str = "zh") -> str:
    """The engine's reasons read "left-behind child / 留守儿童": the part in the page's language."""
    english, _, chinese = str(text).partition(" / ")
    return (english if lang == "en" else chinese) or str(text)


templates.env.filters["beijing"] = beijing_filter
templates.env.filters["reason"] = reason_filter
templates.env.filters["day"] = date_filter


async def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    """A page (or an htmx fragment) with the frame's context; `?lang=` is remembered in a cookie."""
    lang = language_of(request)
    t = translator(lang)
    user = optional_user(request)
    await request.app.state.vocabulary.ensure_loaded(request.app)
    frame = {
        "request": request,
        "t": t,
        "lang": lang,
        "user": user,
        "csrf": csrf_token(request),
        "navigation": navigation_for(user.role if user else None),
        "label": lambda value, vocabulary=None: label_filter(request, value, vocabulary),
        "htmx": request.headers.get("HX-Request") == "true",
        # An idempotency key made when the form renders: a double submit (or a retry) acts once.
        "new_key": lambda: uuid.uuid4().hex,
    }
    response = templates.TemplateResponse(request, template, {**frame, **(context or {})}, status_code=status_code)
    if request.query_params.get("lang") in ("zh", "en"):
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax", httponly=True)
    return response
