"""服务对象 / 个案: search recipients, register one (ID check, consent, duplicates explained), open a
case, and the case file as a timeline with the next allowed actions."""

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.common.clock import clock
from workbench.forms import beijing_input, int_or_none, text_values
from workbench.graphql import field_errors, refusal_text, refusals
from workbench.rendering import beijing_filter, parse_moment, render
from workbench.session import User

router = APIRouter(prefix="/people")

CATEGORIES = [
    "ELDERLY",
    "EMPTY_NEST",
    "LIVING_ALONE",
    "DISABLED_ELDERLY",
    "CHILD",
    "LEFT_BEHIND",
    "CHILD_IN_HARDSHIP",
    "DIBAO",
    "TEKUN",
    "DIBIAN",
    "DISABLED",
]
DOMAINS = ["ELDERLY", "SOCIAL_ASSISTANCE", "CHILDREN", "COMMUNITY_DEVELOPMENT", "VOLUNTEER_MANAGEMENT"]
RECORD_KINDS = [
    "HOME_VISIT",
    "HOME_INVESTIGATION",
    "POLICY_PUBLICITY",
    "RESOURCE_LINKING",
    "MATERIAL_AID",
    "DAILY_CARE",
    "EMOTIONAL_COMFORT",
    "FAMILY_COUNSELLING",
    "SUPPORT_NETWORK",
    "MENTAL_HEALTH",
    "CHILD_PROTECTION",
    "COMMUNITY_PARTICIPATION",
    "CAPACITY_BUILDING",
    "SOCIAL_INTEGRATION",
    "MULTI_PARTY_LINKAGE",
    "ORGANISATION_CULTIVATION",
    "VOLUNTEER_TEAM_BUILDING",
]

SEARCH = """query($platform: ID, $region: String, $name: String, $category: RecipientCategory) {
  recipients(first: 30, filter: {platformId: $platform, region: $region, name: $name, category: $category}) {
    totalCount
    edges { node { id name gender age categories masked } } }
  cases(first: 50, filter: {platformId: $platform, region: $region}) { edges { node {
    id state domain openedAt recipient { id } } } }
}"""
CREATE = (
    """mutation($input: CreateRecipientInput!, $key: String) { createRecipient(input: $input, idempotencyKey: $key) {
  __typename ... on RecipientCreated { recipient { id } }
  ... on RecipientAlreadyRecorded { message messageZh existingRecipientId maskedName }
  ... on RecipientRecordedElsewhere { message messageZh platformName phone } """
    + refusals("NotFound", "Conflict")
    + " } }"
)
RECIPIENT = """query($id: ID!, $platform: ID, $region: String) {
  node(id: $id) { ... on Recipient { id name gender age birthDate categories phone address regionCode masked
    consent { givenBy givenAt purpose } platform { name } } }
  cases(first: 50, filter: {platformId: $platform, region: $region}) { edges { node {
    id state domain openedAt recipient { id } } } }
}"""
OPEN_CASE = (
    """mutation($input: OpenCaseInput!, $key: String) { openCase(input: $input, idempotencyKey: $key) {
  __typename ... on CaseOpened { case { id } } """
    + refusals("NotFound")
    + " } }"
)
CASE_FILE = """query($case: ID!) {
  caseFile(caseId: $case) {
    case { id state domain riskLevel summary openedAt allowedTransitions version
      recipient { id name age categories } platform { name } }
    transitions { fromState toState note actor at }
    serviceRecords { kind servedOn note beneficiaries recordedBy createdAt }
    referrals { id toAgency reason state outcome createdAt updatedAt }
    needs { id kind title state createdAt fulfilledAt } }
}"""
ADVANCE = (
    """mutation($case: ID!, $to: CaseState!, $note: String!, $version: Int, $needs: [NeedDecisionInput!]) {
  advanceCase(caseId: $case, toState: $to, note: $note, expectedVersion: $version, needs: $needs) {
  __typename ... on CaseAdvanced { case { state } } ... on NeedsUndecided { needs { id kind title state } } """
    + refusals("NeedsUndecided", "NotFound", "Conflict", "StaleVersion")
    + " } }"
)
RECORD = (
    """mutation($case: ID!, $input: ServiceRecordInput!, $key: String) {
  addServiceRecord(caseId: $case, input: $input, idempotencyKey: $key) {
  __typename ... on ServiceRecorded { record { id } } """
    + refusals("NotFound", "Conflict")
    + " } }"
)
REFER = (
    """mutation($case: ID!, $agency: String!, $reason: String!, $key: String) {
  referCase(caseId: $case, toAgency: $agency, reason: $reason, idempotencyKey: $key) {
  __typename ... on ReferralChanged { referral { id } } """
    + refusals("NotFound", "Conflict")
    + " } }"
)

SETTLE = (
    """mutation($referral: ID!, $state: ReferralState!, $note: String!) {
  settleReferral(referralId: $referral, outcomeState: $state, note: $note) {
  __typename ... on ReferralChanged { referral { state } } """
    + refusals("NotFound", "Conflict")
    + " } }"
)
# What may follow a referral's state, as the buttons offer it.
REFERRAL_NEXT = {"SENT": ["ACCEPTED", "DECLINED", "CANCELLED"], "ACCEPTED": ["COMPLETED", "CANCELLED"]}


def _nodes(connection: dict[str, Any] | None) -> list[dict[str, Any]]:
    return [edge["node"] for edge in (connection or {}).get("edges", [])]


def _cases_by_recipient(cases: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for case in cases:
        if case.get("recipient"):
            grouped.setdefault(case["recipient"]["id"], []).append(case)
    return grouped


@router.get("", response_class=HTMLResponse)
async def search(request: Request, user: User, q: str = "", category: str = "") -> HTMLResponse:
    """Recipients of the platform by name and category, each with its cases."""
    variables = {**user.scope, "name": q or None, "category": category or None}
    data = await request.app.state.gateway.call(user.token, SEARCH, variables)
    recipients = _nodes(data["recipients"])
    context = {
        "recipients": recipients,
        "total": (data["recipients"] or {}).get("totalCount", len(recipients)),
        "cases": _cases_by_recipient(_nodes(data["cases"])),
        "q": q,
        "category": category,
        "categories": CATEGORIES,
    }
    template = "people/results.html" if request.headers.get("HX-Request") == "true" else "people/index.html"
    return await render(request, template, context)


def _blank_recipient() -> dict[str, Any]:
    now = clock.now()
    return {
        "gender": "FEMALE",
        "categories": [],
        "consent.given_at": beijing_filter(now).replace(" ", "T"),
        "consent.given_by": "本人",
        "consent.purpose": "建档与帮扶服务",
    }


@router.get("/new", response_class=HTMLResponse)
async def new_recipient(request: Request, user: User) -> HTMLResponse:
    """The registration form."""
    return await render(request, "people/new.html", _form_context(user, _blank_recipient(), {}))


def _form_context(user: Any, form: dict[str, Any], errors: dict[str, str], **extra: Any) -> dict[str, Any]:
    return {"form": form, "errors": errors, "categories": CATEGORIES, "region": user.region, **extra}


@router.post("/new", response_class=HTMLResponse)
async def create_recipient(request: Request, user: User) -> Response:
    """createRecipient: errors next to their field; a duplicate ID number is explained."""
    posted = await request.form()
    form: dict[str, Any] = {**text_values(posted), "categories": [str(c) for c in posted.getlist("categories")]}
    if not user.platform_id:
        return await render(
            request,
            "people/new.html",
            _form_context(user, form, {}, message="只有社工站、中心或社区工作人员可以登记服务对象。"),
            status_code=403,
        )
    variables = {
        "key": form.get("idempotency_key") or None,
        "input": {
            "platformId": user.platform_id,
            "regionCode": form.get("region_code") or user.region,
            "name": form.get("name", ""),
            "gender": form.get("gender", "FEMALE"),
            "birthDate": form.get("birth_date") or None,
            "categories": form["categories"],
            "idNumber": form.get("id_number", "").upper(),
            "phone": form.get("phone") or None,
            "address": form.get("address", ""),
            "healthNotes": form.get("health_notes", ""),
            "consent": {
                "givenBy": form.get("consent.given_by", ""),
                "givenAt": beijing_input(form.get("consent.given_at", "")) or clock.now().isoformat(),
                "purpose": form.get("consent.purpose", ""),
            },
        },
    }
    if not form.get("birth_date"):
        errors = {"birth_date": "请填写出生日期。"}
        return await render(request, "people/new.html", _form_context(user, form, errors), status_code=422)
    result = (await request.app.state.gateway.call(user.token, CREATE, variables))["createRecipient"]
    if result["__typename"] == "RecipientCreated":
        return RedirectResponse(f"/people/recipients/{result['recipient']['id']}", status_code=303)
    errors = field_errors(result)
    message = "请更正下面标出的项目。" if errors else refusal_text(result)
    context = _form_context(user, form, errors, message=message, result=result)
    return await render(request, "people/new.html", context, status_code=422)


@router.get("/recipients/{recipient_id}", response_class=HTMLResponse)
async def recipient(request: Request, user: User, recipient_id: str) -> HTMLResponse:
    """A recipient's record, cases, and the form to open one."""
    data = await request.app.state.gateway.call(user.token, RECIPIENT, {"id": recipient_id, **user.scope})
    person = data["node"]
    if not person:
        return await render(request, "error.html", {"messages": ["找不到该服务对象，或不在您的权限范围内。"]}, 404)
    cases = _cases_by_recipient(_nodes(data["cases"])).get(recipient_id, [])
    return await render(
        request, "people/recipient.html", {"person": person, "cases": cases, "domains": DOMAINS, "errors": {}}
    )


@router.post("/recipients/{recipient_id}/cases")
async def open_case(request: Request, user: User, recipient_id: str) -> Response:
    """openCase, then the new case file."""
    form = text_values(await request.form())
    variables = {
        "key": form.get("idempotency_key") or None,
        "input": {
            "recipientId": recipient_id,
            "domain": form.get("domain", "ELDERLY"),
            "riskLevel": form.get("risk_level", "LOW"),
            "summary": form.get("summary", ""),
        },
    }
    result = (await request.app.state.gateway.call(user.token, OPEN_CASE, variables))["openCase"]
    if result["__typename"] == "CaseOpened":
        return RedirectResponse(f"/people/cases/{result['case']['id']}", status_code=303)
    return await render(request, "error.html", {"messages": [refusal_text(result)]}, status_code=422)


def timeline(case_file: dict[str, Any], needs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Stage changes, service records, referrals and needs as one list, newest first."""
    events: list[dict[str, Any]] = []
    for step in case_file["transitions"]:
        events.append({"at": step["at"], "kind": "transition", "item": step})
    for record in case_file["serviceRecords"]:  # when the service was given, not when it was typed in
        events.append({"at": f"{record['servedOn']}T00:00:00+08:00", "kind": "record", "item": record})
    for referral in case_file["referrals"]:
        events.append({"at": referral["createdAt"], "kind": "referral", "item": referral})
    for need in needs:
        events.append({"at": need["createdAt"], "kind": "need", "item": need})
    return sorted(events, key=lambda event: parse_moment(event["at"]) or datetime.min.replace(tzinfo=UTC), reverse=True)


async def _case_page(
    request: Request,
    user: Any,
    case_id: str,
    errors: dict[str, dict[str, str]] | None = None,
    message: str = "",
    status_code: int = 200,
    undecided: dict[str, Any] | None = None,
) -> HTMLResponse:
    data = await request.app.state.gateway.call(user.token, CASE_FILE, {"case": case_id})
    case_file = data["caseFile"]
    if not case_file or not case_file["case"]:
        return await render(request, "error.html", {"messages": ["找不到该个案，或不在您的权限范围内。"]}, 404)
    needs = case_file["needs"]
    context = {
        "file": case_file,
        "case": case_file["case"],
        "events": timeline(case_file, needs),
        "needs": needs,
        "record_kinds": RECORD_KINDS,
        "referral_next": REFERRAL_NEXT,
        "undecided": undecided if undecided and undecided["needs"] else None,
        "errors": errors or {},
        "message": message,
        "today": clock.today().isoformat(),
    }
    return await render(request, "people/case.html", context, status_code=status_code)


@router.get("/cases/{case_id}", response_class=HTMLResponse)
async def case_file(request: Request, user: User, case_id: str) -> HTMLResponse:
    """The case file: a timeline and the next allowed actions."""
    return await _case_page(request, user, case_id)


def need_decisions(form: dict[str, str]) -> list[dict[str, str]] | None:
    """`decision.<need id>` and `reason.<need id>` fields, as advanceCase's `needs` (None when none)."""
    decisions = [
        {"needId": key.partition(".")[2], "decision": value, "reason": form.get("reason." + key.partition(".")[2], "")}
        for key, value in form.items()
        if key.startswith("decision.") and value
    ]
    return decisions or None


@router.post("/cases/{case_id}/advance")
async def advance(request: Request, user: User, case_id: str) -> Response:
    """advanceCase; closing with open needs asks what becomes of each (cancel, or keep with a reason)."""
    form = text_values(await request.form())
    variables = {
        "case": case_id,
        "to": form.get("to_state"),
        "note": form.get("note", ""),
        "version": int_or_none(form.get("version")),
        "needs": need_decisions(form),
    }
    result = (await request.app.state.gateway.call(user.token, ADVANCE, variables))["advanceCase"]
    if result["__typename"] == "CaseAdvanced":
        return RedirectResponse(f"/people/cases/{case_id}", status_code=303)
    undecided = {"to_state": form.get("to_state"), "note": form.get("note", ""), "needs": result.get("needs") or []}
    return await _case_page(
        request, user, case_id, {"advance": field_errors(result)}, refusal_text(result), 422, undecided=undecided
    )


@router.post("/cases/{case_id}/records")
async def add_record(request: Request, user: User, case_id: str) -> Response:
    form = text_values(await request.form())
    variables = {
        "case": case_id,
        "key": form.get("idempotency_key") or None,
        "input": {
            "kind": form.get("kind"),
            "servedOn": form.get("served_on") or None,
            "note": form.get("note", ""),
            "beneficiaries": int_or_none(form.get("beneficiaries")) or 1,
        },
    }
    if not form.get("served_on"):  # a Date! the API cannot be sent empty
        return await _case_page(request, user, case_id, {"record": {"served_on": "请填写服务日期。"}}, "", 422)
    result = (await request.app.state.gateway.call(user.token, RECORD, variables))["addServiceRecord"]
    if result["__typename"] == "ServiceRecorded":
        return RedirectResponse(f"/people/cases/{case_id}", status_code=303)
    return await _case_page(request, user, case_id, {"record": field_errors(result)}, refusal_text(result), 422)


@router.post("/cases/{case_id}/referrals")
async def refer(request: Request, user: User, case_id: str) -> Response:
    form = text_values(await request.form())
    variables = {
        "case": case_id,
        "agency": form.get("to_agency", ""),
        "reason": form.get("reason", ""),
        "key": form.get("idempotency_key") or None,
    }
    result = (await request.app.state.gateway.call(user.token, REFER, variables))["referCase"]
    if result["__typename"] == "ReferralChanged":
        return RedirectResponse(f"/people/cases/{case_id}", status_code=303)
    return await _case_page(request, user, case_id, {"refer": field_errors(result)}, refusal_text(result), 422)


@router.post("/cases/{case_id}/referrals/{referral_id}")
async def settle(request: Request, user: User, case_id: str, referral_id: str) -> Response:
    """settleReferral: what the other agency answered."""
    form = text_values(await request.form())
    variables = {"referral": referral_id, "state": form.get("outcome_state"), "note": form.get("note", "")}
    result = (await request.app.state.gateway.call(user.token, SETTLE, variables))["settleReferral"]
    if result["__typename"] == "ReferralChanged":
        return RedirectResponse(f"/people/cases/{case_id}", status_code=303)
    return await _case_page(request, user, case_id, {"refer": field_errors(result)}, refusal_text(result), 422)
