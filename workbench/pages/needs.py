"""需求与匹配: publish a need, proposals with reasons and score parts (and why a need has none),
confirm a proposal or a donor's claim in one click (idempotent), record fulfilment with a photo."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from workbench.forms import beijing_input, int_or_none, text_values, without_empty
from workbench.graphql import GatewayError, field_errors, refusal_text, refusals
from workbench.rendering import render
from workbench.session import User

router = APIRouter(prefix="/needs")

KINDS = ["MICRO_WISH", "CARE", "FUNDING"]
ITEM_CATEGORIES = [
    "DAILY_NECESSITIES",
    "FOOD",
    "CLOTHING",
    "BEDDING",
    "SMALL_APPLIANCE",
    "MOBILITY_AID",
    "MEDICAL_SUPPLY",
    "SCHOOL_SUPPLIES",
    "BOOKS",
    "OTHER",
]
SKILLS = [
    "COMPANIONSHIP",
    "HOUSEKEEPING",
    "COOKING",
    "HAIRCUT",
    "MEDICAL",
    "PSYCHOLOGICAL",
    "TUTORING",
    "REPAIR",
    "TRANSPORT",
    "LEGAL",
]
STATES = ["OPEN", "PENDING", "MATCHED", "FULFILLED", "CLOSED", "CANCELLED", "EXPIRED"]
PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp")

NEED_FIELDS = """id kind state title description regionCode itemCategory quantity estimatedValue visitsPerMonth
  visitMinutes skills amount lackingAmount lackingQuantity deadline pendingUntil pendingReference matchedReference
  proofNote proofPhotoUrl feedback fulfilledAt version createdAt recipient { name age categories }
  case { id state }"""
LIST = """query($platform: ID, $region: String, $state: NeedState, $kind: NeedKind) {
  needs(first: 50, filter: {platformId: $platform, region: $region, state: $state, kind: $kind}) {
    totalCount edges { node { id kind state title deadline createdAt recipient { name categories } } } } }"""
NEW = """query($platform: ID, $region: String) {
  cases(first: 100, filter: {platformId: $platform, region: $region}) { edges { node {
    id state domain recipient { name } } } } }"""
PUBLISH = (
    """mutation($input: PublishNeedInput!, $key: String) { publishNeed(input: $input, idempotencyKey: $key) {
  __typename ... on NeedPublished { need { id } } """
    + refusals("NotFound", "Conflict")
    + " } }"
)
PROPOSALS = """query($platform: ID, $region: String) {
  proposeMatches(scope: {platformId: $platform, regionCode: $region}) {
    proposals { resourceKind quantity amount minutesPerWeek score scoreParts { name value } reasons resourceIdGlobal
      need { id title kind visitMinutes } offer { title organization { name } }
      volunteer { name availability { weekday start end } } }
    summary { method needs needsMet tekunNeeds tekunMet candidates notes }
    unmet { reasons need { id kind title } } } }"""
NEED = f"""query($id: ID!) {{ node(id: $id) {{ ... on Need {{ {NEED_FIELDS} }} }}
  pledges(first: 10, filter: {{wishId: $id}}) {{ edges {{ node {{ holdState expiresAt donorName quantity amount
    createdAt }} }} }} }}"""
MATCH = (
    """mutation($input: MatchOfferInput!) { matchOffer(input: $input) {
  __typename ... on MatchConfirmed { need { id state } } """
    + refusals(
        "NeedAlreadyMatched", "OfferExhausted", "ExceedsNeed", "HoldLapsed", "WrongNeedKind", "NotFound", "Conflict"
    )
    + " } }"
)
ASSIGN = (
    """mutation($input: AssignVolunteerInput!) { assignVolunteer(input: $input) {
  __typename ... on VolunteerAssigned { need { id state } } """
    + refusals("VolunteerUnavailable", "WrongNeedKind", "NeedAlreadyMatched", "NotFound", "Conflict")
    + " } }"
)
CONFIRM_CLAIM = (
    """mutation($need: ID!, $key: String!) { confirmClaim(needId: $need, idempotencyKey: $key) {
  __typename ... on MatchConfirmed { need { id state } } """
    + refusals("NothingToConfirm", "HoldLapsed", "NeedAlreadyMatched", "NotFound", "Conflict").replace(
        " ... on InvalidInput { message messageZh fields errors { field message messageZh } }", ""
    )
    + " } }"
)
FULFIL = (
    """mutation($need: ID!, $note: String!, $feedback: String!) {
  recordFulfilment(needId: $need, proofNote: $note, feedback: $feedback) {
  __typename ... on FulfilmentRecorded { need { id state } } """
    + refusals("NeedNotMatched", "HoldLapsed", "Conflict", "NotFound")
    + " } }"
)


def _nodes(connection: dict[str, Any] | None) -> list[dict[str, Any]]:
    return [edge["node"] for edge in (connection or {}).get("edges", [])]


@router.get("", response_class=HTMLResponse)
async def needs_list(request: Request, user: User, state: str = "OPEN", kind: str = "") -> HTMLResponse:
    """The platform's needs by state and kind."""
    variables = {**user.scope, "state": state or None, "kind": kind or None}
    data = await request.app.state.gateway.call(user.token, LIST, variables)
    needs = _nodes(data["needs"])
    return await render(
        request,
        "needs/index.html",
        {
            "needs": needs,
            "total": (data["needs"] or {}).get("totalCount", len(needs)),
            "state": state,
            "kind": kind,
            "states": STATES,
            "kinds": KINDS,
        },
    )


def _new_context(
    cases: list[dict[str, Any]], kind: str, case: str, form: dict[str, Any], errors: dict[str, str], message: str = ""
) -> dict[str, Any]:
    open_cases = [c for c in cases if c["state"] not in ("CLOSED",)]
    return {
        "cases": open_cases,
        "kind": kind if kind in KINDS else "MICRO_WISH",
        "case": case,
        "form": form,
        "errors": errors,
        "message": message,
        "kinds": KINDS,
        "item_categories": ITEM_CATEGORIES,
        "skills": SKILLS,
    }


@router.get("/new", response_class=HTMLResponse)
async def new_need(request: Request, user: User, kind: str = "MICRO_WISH", case: str = "") -> HTMLResponse:
    """The form for a micro-wish, a care need or a funding need (`?kind=`) of a case."""
    data = await request.app.state.gateway.call(user.token, NEW, user.scope)
    return await render(request, "needs/new.html", _new_context(_nodes(data["cases"]), kind, case, {}, {}))


def _publish_input(kind: str, form: dict[str, Any]) -> dict[str, Any]:
    """Only the fields of the chosen kind (the API refuses fields foreign to it)."""
    common = {
        "caseId": form.get("case_id", ""),
        "kind": kind,
        "title": form.get("title", ""),
        "description": form.get("description", ""),
        "deadline": beijing_input(form.get("deadline", "")),
    }
    if kind == "MICRO_WISH":
        extra = {
            "itemCategory": form.get("item_category"),
            "quantity": int_or_none(form.get("quantity")),
            "estimatedValue": form.get("estimated_value"),
        }
    elif kind == "CARE":
        extra = {
            "visitsPerMonth": int_or_none(form.get("visits_per_month")),
            "visitMinutes": int_or_none(form.get("visit_minutes")),
            "skills": form.get("skills", []),
        }
    else:
        extra = {"amount": form.get("amount")}
    # Required text goes as typed (an empty title is the API's to refuse, next to the field); optional
    # values left empty are left out.
    return {**without_empty({**common, **extra}), "caseId": common["caseId"], "title": common["title"]}


@router.post("/new")
async def publish(request: Request, user: User) -> Response:
    """publishNeed; errors next to their field."""
    posted = await request.form()
    form: dict[str, Any] = {**text_values(posted), "skills": [str(s) for s in posted.getlist("skills")]}
    kind = form.get("kind", "MICRO_WISH")
    variables = {"input": _publish_input(kind, form), "key": form.get("idempotency_key") or None}
    if not form.get("case_id"):
        result: dict[str, Any] = {
            "__typename": "InvalidInput",
            "errors": [{"field": "case_id", "messageZh": "请选择个案。"}],
        }
    else:
        result = (await request.app.state.gateway.call(user.token, PUBLISH, variables))["publishNeed"]
    if result["__typename"] == "NeedPublished":
        return RedirectResponse(f"/needs/{result['need']['id']}", status_code=303)
    data = await request.app.state.gateway.call(user.token, NEW, user.scope)
    errors = field_errors(result)
    message = "请更正下面标出的项目。" if errors else refusal_text(result)
    context = _new_context(_nodes(data["cases"]), kind, form.get("case_id", ""), form, errors, message)
    return await render(request, "needs/new.html", context, status_code=422)


def why_no_proposal(unmet: dict[str, Any], lang: str = "zh") -> str:
    """The engine's reason a need got no proposal, in the page's language ("english / 中文")."""
    english, _, chinese = (unmet.get("reasons") or [""])[0].partition(" / ")
    return english if lang == "en" else (chinese or english)


@router.get("/proposals", response_class=HTMLResponse)
async def proposals(request: Request, user: User) -> HTMLResponse:
    """proposeMatches for the platform: each proposal with its reasons and score parts; the open
    needs without one, and why."""
    data = await request.app.state.gateway.call(user.token, PROPOSALS, user.scope)
    found = data["proposeMatches"]
    without = [{**u["need"], "reasons": u["reasons"]} for u in found["unmet"] if u.get("need")]
    return await render(
        request,
        "needs/proposals.html",
        {"proposals": found["proposals"], "summary": found["summary"], "without": without, "why": why_no_proposal},
    )


async def _need_page(
    request: Request,
    user: Any,
    need_id: str,
    message: str = "",
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    notice_kind: str = "error",
) -> HTMLResponse:
    data = await request.app.state.gateway.call(user.token, NEED, {"id": need_id})
    need = data["node"]
    if not need:
        return await render(request, "error.html", {"messages": ["找不到该需求，或不在您的权限范围内。"]}, 404)
    claims = [p for p in _nodes(data["pledges"]) if p["holdState"] == "HELD"]
    context = {"need": need, "claims": claims, "message": message, "errors": errors or {}, "notice_kind": notice_kind}
    return await render(request, "needs/need.html", context, status_code=status_code)


@router.get("/{need_id}", response_class=HTMLResponse)
async def need(request: Request, user: User, need_id: str, done: str = "") -> HTMLResponse:
    """A need with what can be done next: confirm a claim, record fulfilment, see the proof."""
    message = {"matched": "已确认匹配。", "claim": "已确认爱心认领。", "fulfilled": "已记录圆梦。"}.get(done, "")
    return await _need_page(request, user, need_id, message, notice_kind="ok")


@router.post("/{need_id}/match")
async def match(request: Request, user: User, need_id: str) -> Response:
    """Confirm a proposal: matchOffer (or assignVolunteer for a care need) with the key made when the
    proposals page rendered, so a second click answers the first one's result."""
    form = text_values(await request.form())
    if form.get("resource_kind") == "VOLUNTEER":
        schedule = {
            "weekday": int_or_none(form.get("weekday")) or 1,
            "start": form.get("start") or "09:00",
            "durationMinutes": int_or_none(form.get("duration_minutes")) or 60,
        }
        variables: dict[str, Any] = {
            "input": {
                "needId": need_id,
                "volunteerId": form.get("resource_id"),
                "schedule": schedule,
                "idempotencyKey": form.get("idempotency_key"),
            }
        }
        result = (await request.app.state.gateway.call(user.token, ASSIGN, variables))["assignVolunteer"]
        success = "VolunteerAssigned"
    else:
        match_input = {
            "needId": need_id,
            "offerId": form.get("resource_id"),
            "idempotencyKey": form.get("idempotency_key"),
            "quantity": int_or_none(form.get("quantity")),
            "amount": form.get("amount") or None,
        }
        result = (await request.app.state.gateway.call(user.token, MATCH, {"input": without_empty(match_input)}))[
            "matchOffer"
        ]
        success = "MatchConfirmed"
    if result["__typename"] == success:
        return RedirectResponse(f"/needs/{need_id}?done=matched", status_code=303)
    return await _need_page(request, user, need_id, refusal_text(result), status_code=409)


@router.post("/{need_id}/confirm-claim")
async def confirm_claim(request: Request, user: User, need_id: str) -> Response:
    """confirmClaim: the donor's gift arrived at the station."""
    form = text_values(await request.form())
    variables = {"need": need_id, "key": form.get("idempotency_key", "")}
    result = (await request.app.state.gateway.call(user.token, CONFIRM_CLAIM, variables))["confirmClaim"]
    if result["__typename"] == "MatchConfirmed":
        return RedirectResponse(f"/needs/{need_id}?done=claim", status_code=303)
    return await _need_page(request, user, need_id, refusal_text(result), status_code=409)


@router.post("/{need_id}/fulfil")
async def fulfil(request: Request, user: User, need_id: str) -> Response:
    """The proof photo goes to the gateway first (POST /photos/needs/<id>), then recordFulfilment."""
    posted = await request.form()
    form = text_values(posted)
    note = form.get("proof_note", "")
    if not note:
        return await _need_page(request, user, need_id, "", {"proof_note": "请填写圆梦说明。"}, 422)
    photo = posted.get("file")
    if isinstance(photo, UploadFile) and photo.filename:
        if photo.content_type not in PHOTO_TYPES:
            return await _need_page(request, user, need_id, "", {"file": "请上传 JPEG、PNG 或 WebP 照片。"}, 422)
        try:  # the upload itself attaches the photo to the need (proofPhotoUrl is deprecated input)
            await request.app.state.gateway.upload_need_photo(
                user.token, need_id, photo.filename, await photo.read(), photo.content_type or "image/jpeg"
            )
        except GatewayError as error:
            return await _need_page(request, user, need_id, "", {"file": "；".join(error.messages)}, 422)
    variables = {"need": need_id, "note": note, "feedback": form.get("feedback", "")}
    result = (await request.app.state.gateway.call(user.token, FULFIL, variables))["recordFulfilment"]
    if result["__typename"] == "FulfilmentRecorded":
        return RedirectResponse(f"/needs/{need_id}?done=fulfilled", status_code=303)
    return await _need_page(request, user, need_id, refusal_text(result), field_errors(result), 409)


@router.get("/{need_id}/photo")
async def photo(request: Request, user: User, need_id: str) -> Response:
    """The proof photo through the gateway with the user's token (staff see it before it is public)."""
    answer = await request.app.state.gateway.fetch_photo(user.token, f"/photos/needs/{need_id}")
    if answer.status_code != 200:
        return Response(status_code=404)
    return Response(
        answer.content,
        media_type=answer.headers.get("content-type", "image/jpeg"),
        headers={"Cache-Control": "private, max-age=300"},
    )
