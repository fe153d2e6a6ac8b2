"""志愿者与关爱: activities with sign-ups and the waiting list, check-in/out (big buttons on a phone),
care assignments and visit logs, visit hours to approve, hours and star levels, a printable certificate.

Staff see their platform's activities, assignments and volunteers; a signed-in volunteer gets
/volunteers/me (their sign-ups, their assignments with the address while assigned, their hours)."""

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

import workbench.i18n.volunteers  # noqa: F401  (the area's strings)
from services.common.clock import clock
from workbench.forms import beijing_input, int_or_none, text_values
from workbench.graphql import INVALID_INPUT, field_errors, refusal_text
from workbench.i18n import language_of, translator
from workbench.rendering import BEIJING, parse_moment, render
from workbench.session import SignedInUser, User

router = APIRouter(prefix="/volunteers")

SKILLS = ["COMPANIONSHIP", "HOUSEKEEPING", "COOKING", "HAIRCUT", "MEDICAL", "PSYCHOLOGICAL", "TUTORING", "REPAIR",
          "TRANSPORT", "LEGAL"]  # fmt: skip
FLASH = "volunteers.flash"


def refused(*type_names: str, invalid_input: bool = True) -> str:
    """Selections for a mutation's refusal members (each only where its union has it): both languages."""
    spreads = " ".join(f"... on {name} {{ message messageZh }}" for name in type_names)
    return spreads + (" " + INVALID_INPUT if invalid_input else "")


SCHEDULE = "schedule { weekday start durationMinutes }"
OVERVIEW = """query($region: String) {
  activities(first: 30, region: $region) { nodes { id title place startsAt endsAt capacity confirmedCount state
    waitingList { id } } }
  volunteers(first: 100) { nodes { id name verification skills
    hours { totalHours pendingMinutes starLevel } } } }"""
ACTIVITY = """query($id: ID!) {
  node(id: $id) { ... on Activity { id title place regionCode startsAt endsAt capacity confirmedCount state
    requiredSkills isPublic
    signUps(first: 100) { nodes { id status sequence checkedInAt checkedOutAt minutes hoursState
      volunteer { id name } } }
    waitingList { id sequence createdAt volunteer { name } } } }
  volunteers(first: 100) { nodes { id name verification } } }"""
CREATE_ACTIVITY = (
    """mutation($input: CreateActivityInput!, $key: String) { createActivity(input: $input, idempotencyKey: $key) {
  __typename ... on ActivityCreated { activity { id } } """
    + refused("NotFound", "Conflict")
    + " } }"
)
SIGN_UP = (
    """mutation($a: ID!, $v: ID) { signUp(activityId: $a, volunteerId: $v) {
  __typename ... on SignedUp { signUp { volunteer { name } } } ... on Waitlisted { signUp { volunteer { name } } }
  ... on MissingSkills { missingSkills } """
    + refused("VolunteeringRefusal", "NotFound")
    + " } }"
)
SIGN_UP_CHANGE = """mutation($s: ID!) {{ {op}(signUpId: $s) {{
  __typename ... on SignUpChanged {{ signUp {{ id }} }} {refused} }} }}"""
CHANGE_REFUSALS = {
    "checkIn": refused("VolunteeringRefusal", "NotFound", "Conflict"),
    "checkOut": refused("VolunteeringRefusal", "NotFound", "Conflict"),
    "approveHours": refused("VolunteeringRefusal", "NotFound", invalid_input=False),
}
CARE = f"""query {{
  careAssignments(first: 50, state: ACTIVE) {{ nodes {{ id state {SCHEDULE} startsOn visitAddress addressMasked
    volunteer {{ id name }} elder {{ name }} need {{ title }} }} }}
  careVisits(first: 50, needsAttention: false) {{ nodes {{ id visitedAt outcome minutes hoursState wellbeingFlags
    notes volunteer {{ name }} assignment {{ id elder {{ name }} }} }} }} }}"""
ASSIGNMENT = f"""query($id: ID!) {{
  node(id: $id) {{ ... on CareAssignment {{ id state {SCHEDULE} startsOn endsOn visitAddress addressMasked
    volunteer {{ name }} elder {{ name }} need {{ title }}
    visits(first: 20) {{ nodes {{ id visitedAt outcome minutes hoursState wellbeingFlags notes }} }} }} }} }}"""
VOCABULARIES = "query { vocabularies { name terms { name label } } }"
LOG_VISIT = (
    """mutation($a: ID!, $at: DateTime!, $done: Boolean!, $notes: String!, $flags: [WellbeingFlag!], $minutes: Int,
  $key: String) { logCareVisit(assignmentId: $a, visitedAt: $at, done: $done, notes: $notes, wellbeingFlags: $flags,
  minutes: $minutes, idempotencyKey: $key) { __typename ... on VisitLogged { visit { id } } """
    + refused("VolunteeringRefusal", "NotFound")
    + " } }"
)
APPROVE_VISIT = """mutation($v: ID!) { approveVisitHours(visitId: $v) { __typename
  ... on VisitHoursApproved { visit { id } } ... on VolunteeringRefusal { message messageZh }
  ... on NotFound { message messageZh } } }"""
HOURS_FIELDS = """totalHours totalMinutes pendingMinutes starLevel minutesToNextLevel minutesByKind { kind minutes }"""
VOLUNTEER = f"""query($id: ID!) {{ node(id: $id) {{ ... on Volunteer {{ id name skills verification
  platform {{ name }} hours {{ {HOURS_FIELDS}
    entries(first: 50) {{ id kind minutes hours reason createdAt activity {{ title }} }} }} }} }} }}"""
CERTIFICATE = f"""query($id: ID!) {{ serviceCertificate(volunteerId: $id) {{ volunteerName issuedAt
  platform {{ name }} summary {{ {HOURS_FIELDS} }}
  entries {{ id kind minutes hours reason createdAt activity {{ title }} }} }} }}"""
MINE = f"""query($v: ID!, $region: String) {{
  signUps(volunteerId: $v, first: 30) {{ nodes {{ id status checkedInAt checkedOutAt minutes hoursState
    activity {{ id title place startsAt endsAt state }} }} }}
  activities(first: 30, region: $region) {{ nodes {{ id title place startsAt endsAt capacity confirmedCount state
    isPublic }} }}
  myCareAssignments(state: ACTIVE) {{ nodes {{ id {SCHEDULE} visitAddress addressMasked elder {{ name }}
    need {{ title }} }} }}
  volunteerHours(volunteerId: $v) {{ {HOURS_FIELDS} }} }}"""


# The volunteers service's attendance windows: check-in from an hour before the start until the end,
# check-out until an hour after the end (the buttons show only when the service would take them).
CHECK_IN_OPENS_BEFORE = timedelta(hours=1)
CHECK_OUT_CLOSES_AFTER = timedelta(hours=1)


def with_windows(sign_up: dict[str, Any], activity: dict[str, Any] | None) -> dict[str, Any]:
    """The sign-up with `checkInOpen` / `checkOutOpen`, by the activity's times and now."""
    now = clock.now()
    starts, ends = parse_moment((activity or {}).get("startsAt")), parse_moment((activity or {}).get("endsAt"))
    if not activity or activity.get("state") == "CANCELLED" or starts is None or ends is None:
        return {**sign_up, "checkInOpen": False, "checkOutOpen": False, "ended": False}
    return {
        **sign_up,
        "checkInOpen": starts - CHECK_IN_OPENS_BEFORE <= now <= ends,
        "checkOutOpen": now <= ends + CHECK_OUT_CLOSES_AFTER,
        "ended": now > ends + CHECK_OUT_CLOSES_AFTER,
    }


def _nodes(connection: dict[str, Any] | None) -> list[dict[str, Any]]:
    return list((connection or {}).get("nodes") or [])


def _safe_next(target: str | None, fallback: str) -> str:
    return target if target and target.startswith("/") and not target.startswith("//") else fallback


def _flash(request: Request, text: str, kind: str = "ok") -> None:
    """One message for the next page (a redirect follows every action)."""
    request.session[FLASH] = {"text": text, "kind": kind}


def _take_flash(request: Request) -> dict[str, str] | None:
    flash: dict[str, str] | None = request.session.pop(FLASH, None)
    return flash


def _t(request: Request) -> Any:
    return translator(language_of(request))


def _is_volunteer(user: SignedInUser) -> bool:
    return user.role == "volunteer"


def _result_kind(result: dict[str, Any], ok_types: tuple[str, ...]) -> tuple[bool, str]:
    if result["__typename"] in ok_types:
        return True, ""
    errors = field_errors(result)
    return False, refusal_text(result) + ("：" + "；".join(errors.values()) if errors else "")


async def _terms(request: Request) -> dict[str, dict[str, str]]:
    """zh-CN labels by vocabulary, read once per process: a code alone is ambiguous (PENDING is 已预留 for
    a need, 待审核 for hours and for a volunteer's verification)."""
    terms: dict[str, dict[str, str]] | None = getattr(request.app.state, "volunteer_terms", None)
    if terms is None:
        data = await request.app.state.gateway.call(None, VOCABULARIES)
        terms = {v["name"]: {t["name"]: t["label"] for t in v["terms"]} for v in data["vocabularies"]}
        request.app.state.volunteer_terms = terms
    return terms


async def _page(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    terms, english = await _terms(request), language_of(request) == "en"

    def term(vocabulary: str, code: str | None) -> str:
        if not code:
            return ""
        return code.replace("_", " ").capitalize() if english else terms.get(vocabulary, {}).get(code, code)

    frame = {"flash": _take_flash(request), "term": term}
    return await render(request, template, {**frame, **context}, status_code=status_code)


# --- staff: activities ------------------------------------------------------------------------


@router.get("", response_class=HTMLResponse)
async def volunteers_home(request: Request, user: User) -> Response:
    """Staff: the region's activities and the platform's volunteers with their hours (a volunteer: their own page)."""
    if _is_volunteer(user):
        return RedirectResponse("/volunteers/me", status_code=303)
    data = await request.app.state.gateway.call(user.token, OVERVIEW, {"region": user.region or None})
    activities = sorted(_nodes(data["activities"]), key=lambda a: a["startsAt"], reverse=True)
    return await _page(
        request, "volunteers/index.html", {"activities": activities, "volunteers": _nodes(data["volunteers"])}
    )


@router.get("/activities/new", response_class=HTMLResponse)
async def new_activity(request: Request, user: User) -> HTMLResponse:
    """The form to publish an activity of the user's platform."""
    return await _page(request, "volunteers/new_activity.html", _activity_form({"region": user.region}, {}))


def _activity_form(form: dict[str, Any], errors: dict[str, str], message: str = "") -> dict[str, Any]:
    return {"form": form, "errors": errors, "message": message, "skills": SKILLS}


@router.post("/activities", response_class=HTMLResponse)
async def create_activity(request: Request, user: User) -> Response:
    """createActivity for the user's platform; refusals next to their fields."""
    posted = await request.form()
    form = text_values(posted)
    skills = [str(s) for s in posted.getlist("required_skills")]
    form["required_skills"] = skills  # type: ignore[assignment]
    body = {
        "title": form.get("title", ""),
        "organiserKind": "PLATFORM",
        "platformId": user.platform_id,
        "place": form.get("place", ""),
        "region": form.get("region", ""),
        "startsAt": beijing_input(form.get("starts_at", "")),
        "endsAt": beijing_input(form.get("ends_at", "")),
        "capacity": int_or_none(form.get("capacity")) or 0,
        "requiredSkills": skills,
        "isPublic": posted.get("is_public") == "on",
    }
    missing = {name: "必填" for name in ("starts_at", "ends_at") if not form.get(name)}
    if missing:
        return await _page(request, "volunteers/new_activity.html", _activity_form(form, missing), 422)
    data = await request.app.state.gateway.call(
        user.token, CREATE_ACTIVITY, {"input": body, "key": form.get("idempotency_key") or None}
    )
    result = data["createActivity"]
    if result["__typename"] != "ActivityCreated":
        context = _activity_form(form, field_errors(result), refusal_text(result))
        return await _page(request, "volunteers/new_activity.html", context, 422)
    return RedirectResponse(f"/volunteers/activities/{result['activity']['id']}", status_code=303)


@router.get("/activities/{activity_id}", response_class=HTMLResponse)
async def activity(request: Request, user: User, activity_id: str) -> HTMLResponse:
    """An activity: its sign-ups with attendance and hours, the waiting list, and signing a volunteer up."""
    data = await request.app.state.gateway.call(user.token, ACTIVITY, {"id": activity_id})
    node = data["node"]
    if not node:
        return await _page(request, "error.html", {"messages": [_t(request)("common.none")]}, 404)
    sign_ups = [with_windows(s, node) for s in _nodes(node["signUps"]) if s["status"] != "WAITING"]
    sign_ups.sort(key=lambda s: s["sequence"])
    signed = {s["volunteer"]["id"] for s in _nodes(node["signUps"]) if s["volunteer"] and s["status"] != "CANCELLED"}
    choices = [v for v in _nodes(data["volunteers"]) if v["id"] not in signed and v["verification"] != "REJECTED"]
    return await _page(
        request,
        "volunteers/activity.html",
        {"activity": node, "sign_ups": sign_ups, "waiting": node["waitingList"], "choices": choices},
    )


@router.post("/activities/{activity_id}/sign-ups")
async def sign_up(request: Request, user: User, activity_id: str) -> Response:
    """signUp a volunteer (staff choose one; a volunteer signs themselves up)."""
    form = text_values(await request.form())
    volunteer = None if _is_volunteer(user) else form.get("volunteer_id") or None
    data = await request.app.state.gateway.call(user.token, SIGN_UP, {"a": activity_id, "v": volunteer})
    result, t = data["signUp"], _t(request)
    if result["__typename"] in ("SignedUp", "Waitlisted"):
        name = (result["signUp"].get("volunteer") or {}).get("name", "")
        key = "volunteers.signed_up" if result["__typename"] == "SignedUp" else "volunteers.waitlisted"
        _flash(request, t(key, name=name))
    else:
        text = refusal_text(result)
        if result.get("missingSkills"):
            skills = (await _terms(request)).get("Skill", {})
            missing = "、".join(skills.get(s, s) for s in result["missingSkills"])
            text += " " + t("volunteers.missing_skills", skills=missing)
        _flash(request, text, "error")
    return RedirectResponse(_safe_next(form.get("next"), f"/volunteers/activities/{activity_id}"), status_code=303)


async def _change_sign_up(request: Request, user: User, sign_up_id: str, op: str, done_key: str) -> Response:
    form = text_values(await request.form())
    query = SIGN_UP_CHANGE.format(op=op, refused=CHANGE_REFUSALS[op])
    data = await request.app.state.gateway.call(user.token, query, {"s": sign_up_id})
    ok, text = _result_kind(data[op], ("SignUpChanged",))
    _flash(request, _t(request)(done_key) if ok else text, "ok" if ok else "error")
    fallback = "/volunteers/me" if _is_volunteer(user) else "/volunteers"
    return RedirectResponse(_safe_next(form.get("next"), fallback), status_code=303)


@router.post("/sign-ups/{sign_up_id}/check-in")
async def check_in(request: Request, user: User, sign_up_id: str) -> Response:
    """checkIn now (the server's time)."""
    return await _change_sign_up(request, user, sign_up_id, "checkIn", "volunteers.checked_in")


@router.post("/sign-ups/{sign_up_id}/check-out")
async def check_out(request: Request, user: User, sign_up_id: str) -> Response:
    """checkOut now; the minutes wait for the organiser's approval."""
    return await _change_sign_up(request, user, sign_up_id, "checkOut", "volunteers.checked_out")


@router.post("/sign-ups/{sign_up_id}/approve")
async def approve_hours(request: Request, user: User, sign_up_id: str) -> Response:
    """approveHours of a checked-out sign-up (the organiser)."""
    return await _change_sign_up(request, user, sign_up_id, "approveHours", "volunteers.approved")


# --- care: assignments, visits, approval ------------------------------------------------------


@router.get("/care", response_class=HTMLResponse)
async def care(request: Request, user: User) -> Response:
    """Staff: active care assignments, the latest visit logs and the visit hours waiting for approval."""
    if _is_volunteer(user):
        return RedirectResponse("/volunteers/me", status_code=303)
    data = await request.app.state.gateway.call(user.token, CARE)
    visits = _nodes(data["careVisits"])
    return await _page(
        request,
        "volunteers/care.html",
        {
            "assignments": _nodes(data["careAssignments"]),
            "pending": [v for v in visits if v["hoursState"] == "PENDING"],
            "visits": visits[:20],
        },
    )


@router.get("/care/{assignment_id}", response_class=HTMLResponse)
async def assignment(request: Request, user: User, assignment_id: str) -> HTMLResponse:
    """One assignment: its visit logs and the form to log a visit (wellbeing flags as checkboxes)."""
    now = clock.now().astimezone(BEIJING).strftime("%Y-%m-%dT%H:%M")
    return await _assignment_page(request, user, assignment_id, {"visited_at": now}, {}, "")


async def _assignment_page(
    request: Request, user: User, assignment_id: str, form: dict[str, Any], errors: dict[str, str], message: str,
    status_code: int = 200,
) -> HTMLResponse:  # fmt: skip
    data = await request.app.state.gateway.call(user.token, ASSIGNMENT, {"id": assignment_id})
    node = data["node"]
    if not node:
        return await _page(request, "error.html", {"messages": [_t(request)("common.none")]}, 404)
    flags = list((await _terms(request)).get("WellbeingFlag", {}))
    context = {"assignment": node, "visits": _nodes(node["visits"]), "flags": flags, "form": form, "errors": errors,
               "message": message, "back": "/volunteers/me" if _is_volunteer(user) else "/volunteers/care"}  # fmt: skip
    return await _page(request, "volunteers/assignment.html", context, status_code)


@router.post("/care/{assignment_id}/visits", response_class=HTMLResponse)
async def log_visit(request: Request, user: User, assignment_id: str) -> Response:
    """logCareVisit (the volunteer or the station); flags raise an alert on the station's day."""
    posted = await request.form()
    form: dict[str, Any] = text_values(posted)
    flags = [str(f) for f in posted.getlist("wellbeing_flags")]
    form["wellbeing_flags"] = flags
    visited_at = beijing_input(form.get("visited_at", ""))
    if visited_at is None:
        return await _assignment_page(request, user, assignment_id, form, {"visited_at": "必填"}, "", 422)
    variables = {
        "a": assignment_id,
        "at": visited_at,
        "done": form.get("done") != "no",
        "notes": form.get("notes", ""),
        "flags": flags,
        "minutes": int_or_none(form.get("minutes")),
        "key": form.get("idempotency_key") or None,
    }
    result = (await request.app.state.gateway.call(user.token, LOG_VISIT, variables))["logCareVisit"]
    if result["__typename"] != "VisitLogged":
        errors = field_errors(result)
        return await _assignment_page(request, user, assignment_id, form, errors, refusal_text(result), 422)
    _flash(request, _t(request)("volunteers.visit_logged"))
    return RedirectResponse(f"/volunteers/care/{assignment_id}", status_code=303)


@router.post("/visits/{visit_id}/approve")
async def approve_visit(request: Request, user: User, visit_id: str) -> Response:
    """approveVisitHours: the visit's minutes go into the volunteer's hours."""
    form = text_values(await request.form())
    result = (await request.app.state.gateway.call(user.token, APPROVE_VISIT, {"v": visit_id}))["approveVisitHours"]
    ok, text = _result_kind(result, ("VisitHoursApproved",))
    _flash(request, _t(request)("volunteers.approved") if ok else text, "ok" if ok else "error")
    return RedirectResponse(_safe_next(form.get("next"), "/volunteers/care"), status_code=303)


# --- hours, star level, certificate -----------------------------------------------------------


@router.get("/people/{volunteer_id}", response_class=HTMLResponse)
async def volunteer(request: Request, user: User, volunteer_id: str) -> HTMLResponse:
    """A volunteer's hours by kind, star level and entries."""
    node = (await request.app.state.gateway.call(user.token, VOLUNTEER, {"id": volunteer_id}))["node"]
    if not node:
        return await _page(request, "error.html", {"messages": [_t(request)("common.none")]}, 404)
    return await _page(request, "volunteers/volunteer.html", {"volunteer": node, "hours": node["hours"]})


@router.get("/people/{volunteer_id}/certificate", response_class=HTMLResponse)
async def certificate(request: Request, user: User, volunteer_id: str) -> HTMLResponse:
    """The printable service certificate (serviceCertificate), with a print stylesheet."""
    data = await request.app.state.gateway.call(user.token, CERTIFICATE, {"id": volunteer_id})
    if not data["serviceCertificate"]:
        return await _page(request, "error.html", {"messages": [_t(request)("common.none")]}, 404)
    return await _page(request, "volunteers/certificate.html", {"certificate": data["serviceCertificate"],
                                                                "volunteer_id": volunteer_id})  # fmt: skip


# --- the volunteer's own page -----------------------------------------------------------------


@router.get("/me", response_class=HTMLResponse)
async def mine(request: Request, user: User) -> Response:
    """A volunteer's sign-ups with check-in/out buttons, their assignments (address while assigned), their hours."""
    if not user.volunteer_id:
        return RedirectResponse("/volunteers", status_code=303)
    variables = {"v": user.volunteer_id, "region": user.region or None}
    data = await request.app.state.gateway.call(user.token, MINE, variables)
    sign_ups = [with_windows(s, s["activity"]) for s in _nodes(data["signUps"]) if s["status"] != "CANCELLED"]
    # What is on now or next first, then what is over (latest first).
    upcoming = sorted((s for s in sign_ups if not s["ended"]), key=lambda s: (s["activity"] or {}).get("startsAt", ""))
    over = sorted((s for s in sign_ups if s["ended"]), key=lambda s: (s["activity"] or {}).get("startsAt", ""))
    sign_ups = upcoming + over[::-1]
    mine = {(s["activity"] or {}).get("id") for s in sign_ups}
    now = clock.now()
    open_to_me = [
        a
        for a in _nodes(data["activities"])
        if a["state"] == "SCHEDULED" and a["isPublic"] and a["id"] not in mine
        if (parse_moment(a["endsAt"]) or now) > now
    ]
    return await _page(
        request,
        "volunteers/me.html",
        {
            "sign_ups": sign_ups,
            "open_activities": open_to_me,
            "assignments": _nodes(data["myCareAssignments"]),
            "hours": data["volunteerHours"],
        },
    )
