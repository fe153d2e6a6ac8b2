"""今日工作台: what needs doing today, in one GraphQL request."""

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from services.common.clock import clock
from workbench.rendering import parse_moment, render
from workbench.session import User

router = APIRouter(prefix="/today")

# One request: open needs, needs waiting on a donor's claim or a hold, holds, visits needing attention,
# cases in follow-up (回访) and cases referred out (waiting for the other agency).
TODAY = """query($platform: ID, $region: String) {
  open: needs(first: 50, filter: {state: OPEN, platformId: $platform, region: $region}) { totalCount edges { node {
    id kind title deadline createdAt recipient { name categories } case { id } } } }
  pending: needs(first: 30, filter: {state: PENDING, platformId: $platform, region: $region}) { edges { node {
    id kind title pendingUntil pendingReference recipient { name } } } }
  holds(first: 30, filter: {state: HELD}) { edges { node { id needId needTitle expiresAt quantity amount
    offer { title } } } }
  careVisits(first: 20, needsAttention: true) { edges { node { id visitedAt outcome wellbeingFlags notes
    volunteer { name } assignment { elder { name } } } } }
  followUp: cases(first: 20, filter: {platformId: $platform, region: $region, state: FOLLOW_UP}) { edges { node {
    id openedAt recipient { name } } } }
  referred: cases(first: 20, filter: {platformId: $platform, region: $region, state: REFERRED}) { edges { node {
    id openedAt recipient { name } } } }
}"""

FAR_FUTURE = datetime.max.replace(tzinfo=UTC)


def urgency(need: dict[str, Any]) -> tuple[int, datetime, datetime]:
    """特困 (TEKUN) first, then the nearest deadline, then the longest wait."""
    categories = (need.get("recipient") or {}).get("categories") or []
    deadline = parse_moment(need.get("deadline")) or FAR_FUTURE
    created = parse_moment(need.get("createdAt")) or FAR_FUTURE
    return (0 if "TEKUN" in categories else 1, deadline, created)


def nodes(connection: dict[str, Any] | None) -> list[dict[str, Any]]:
    return [edge["node"] for edge in (connection or {}).get("edges", [])]


# A charity's staff: their offers with what is held and delivered, the holds waiting on them, donors' pledges.
ORGANISATION = """query {
  offers(first: 30) { edges { node { title status category validUntil
    availability { total held delivered available } } } }
  holds(first: 30, filter: {state: HELD}) { edges { node { needTitle expiresAt quantity amount offer { title } } } }
}"""
# A volunteer: the elders they visit and the activities they signed up for.
VOLUNTEER = """query {
  myCareAssignments(first: 20) { edges { node { state visitAddress schedule { weekday start durationMinutes }
    elder { name } } } }
  signUps(first: 10) { edges { node { status activity { title place startsAt } } } }
}"""


@router.get("", response_class=HTMLResponse)
async def today(request: Request, user: User) -> HTMLResponse:
    """The day's work of the signed-in user: a station's own, a centre's or the admin's region; a
    charity's offers and holds; a volunteer's visits and activities."""
    if user.role == "org_staff":
        data = await request.app.state.gateway.call(user.token, ORGANISATION)
        return await render(
            request, "today/organisation.html", {"offers": nodes(data["offers"]), "holds": nodes(data["holds"])}
        )
    if user.role == "volunteer":
        data = await request.app.state.gateway.call(user.token, VOLUNTEER)
        return await render(
            request,
            "today/volunteer.html",
            {"assignments": nodes(data["myCareAssignments"]), "sign_ups": nodes(data["signUps"])},
        )
    data = await request.app.state.gateway.call(user.token, TODAY, user.scope)
    now = clock.now()
    open_needs = sorted(nodes(data["open"]), key=urgency)
    pending = nodes(data["pending"])
    # matchOffer commits its hold at once, so a need that stays PENDING waits on a donor's claim.
    claims = sorted(pending, key=lambda n: str(n.get("pendingUntil") or ""))
    claimed = {n["id"] for n in claims}  # a claim's hold is listed with its claim, not twice
    holds = sorted((h for h in nodes(data["holds"]) if h["needId"] not in claimed), key=lambda h: h["expiresAt"])
    context = {
        "open_needs": open_needs,
        "open_total": (data["open"] or {}).get("totalCount", len(open_needs)),
        "claims": claims,
        "holds": holds,
        "visits": nodes(data["careVisits"]),
        "follow_up": nodes(data["followUp"]),
        "referred": nodes(data["referred"]),
        "now": now,
        "waited_days": lambda moment: max(0, (now - (parse_moment(moment) or now)).days),
        "hours_left": lambda moment: round(((parse_moment(moment) or now) - now).total_seconds() / 3600, 1),
    }
    return await render(request, "today/index.html", context)
