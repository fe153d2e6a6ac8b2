"""`proposeMatches`: who should meet which need, with the reasons, for station staff in their scope."""

import asyncio
from decimal import Decimal

import strawberry
from strawberry.types import Info

from gateway.auth import caller
from gateway.context import GatewayContext
from gateway.errors import bad_input, forbidden
from gateway.ids import local_id, to_global_id
from gateway.matching import propose
from gateway.matching_inputs import load_instance
from gateway.types.case import MISSING, Need, _related
from gateway.types.common import NeedKind
from gateway.types.resources import Offer
from gateway.types.volunteers import Volunteer
from services.common.observability import MATCHING_SOLVE
from services.common.regions import covers, is_region_prefix
from services.common.vocabulary import Role, Vocabulary

GInfo = Info[GatewayContext, None]
STATION = frozenset({Role.CENTRE_STAFF, Role.STATION_STAFF, Role.COMMUNITY_WORKER})


@strawberry.input(description="Where to match: a platform (its region) or a region-code prefix.")
class MatchScope:
    platform_id: strawberry.ID | None = None
    region_code: str | None = None


class ResourceKind(Vocabulary):
    """What a proposal would meet the need with."""

    OFFER = "offer", "物资"
    FUND = "fund", "资金"
    VOLUNTEER = "volunteer", "志愿者"


strawberry.enum(ResourceKind)


@strawberry.type
class ScorePart:
    name: str
    value: float


@strawberry.type(description="A proposed match with the parts of its score, for a station worker to read.")
class MatchProposal:
    resource_kind: ResourceKind = strawberry.field(description="OFFER, FUND or VOLUNTEER")
    quantity: int
    amount: Decimal | None
    minutes_per_week: int
    score: float
    score_parts: list[ScorePart]
    reasons: list[str]
    need_id: strawberry.Private[str]
    resource_id: strawberry.Private[str]

    @strawberry.field
    def need(self, info: GInfo) -> Need | None:
        return _related(info, "needs", self.need_id, MISSING, Need.from_model)

    @strawberry.field
    def offer(self, info: GInfo) -> Offer | None:
        if self.resource_kind is ResourceKind.VOLUNTEER:
            return None
        return _related(info, "offers", self.resource_id, MISSING, Offer.from_model)

    @strawberry.field
    def volunteer(self, info: GInfo) -> Volunteer | None:
        if self.resource_kind is not ResourceKind.VOLUNTEER:
            return None
        return _related(info, "volunteers", self.resource_id, MISSING, Volunteer.from_model)

    @strawberry.field(
        description="Relay id of the offer or volunteer, for matchOffer (offerId) or assignVolunteer (volunteerId)."
    )
    def resource_id_global(self) -> strawberry.ID:
        return strawberry.ID(
            to_global_id("Volunteer" if self.resource_kind is ResourceKind.VOLUNTEER else "Offer", self.resource_id)
        )


@strawberry.type
class MatchSummary:
    method: str
    needs: int
    needs_met: int
    weighted_value: float
    greedy_needs_met: int
    greedy_weighted_value: float
    tekun_needs: int
    tekun_met: int
    candidates: int
    candidates_seconds: float
    solve_seconds: float
    notes: list[str]


@strawberry.type(description="An open need in scope that got no proposal, and why.")
class UnmetNeed:
    reasons: list[str] = strawberry.field(description="Why (English / 中文): nothing fits it here, or it was outranked")
    need_id: strawberry.Private[str]

    @strawberry.field
    def need(self, info: GInfo) -> Need | None:
        return _related(info, "needs", self.need_id, MISSING, Need.from_model)


@strawberry.type
class MatchProposals:
    proposals: list[MatchProposal]
    summary: MatchSummary
    unmet: list[UnmetNeed] = strawberry.field(description="The open needs without a proposal, each with why")


async def _region(info: GInfo, scope: MatchScope) -> str:
    principal = caller(info, roles=STATION)
    if scope.platform_id:
        found = await info.context.upstreams.case.platforms.batch([str(local_id(scope.platform_id, "Platform"))])
        if not found:
            raise forbidden("The platform is not in your scope.", "该平台不在您的范围内。")
        region = next(iter(found.values())).region_code
    elif scope.region_code and is_region_prefix(scope.region_code):
        region = scope.region_code
    else:
        raise bad_input("Give platformId or a regionCode prefix.", "须提供 platformId 或行政区划前缀。")
    if principal.region and not covers(principal.region, region):
        raise forbidden("The region is outside your scope.", "该行政区划不在您的管辖范围内。")
    return region


async def propose_matches(
    info: GInfo, scope: MatchScope, kinds: list[NeedKind] | None = None, limit: int = 100
) -> MatchProposals:
    """Optimal proposals (min-cost flow for goods and volunteer hours, exact knapsack for funds where
    cheap) for the open needs in scope, with greedy first-come-first-served for comparison."""
    region = await _region(info, scope)
    wanted = {k.value for k in kinds} if kinds else {"micro_wish", "care", "funding"}
    needs, offers, volunteers = await load_instance(info.context.upstreams, region, wanted)
    optimal, greedy = await asyncio.gather(
        asyncio.to_thread(propose, needs, offers, volunteers),
        asyncio.to_thread(propose, needs, offers, volunteers, method="greedy"),
    )
    MATCHING_SOLVE.labels(optimal.stats.method).observe(optimal.stats.candidates_s + optimal.stats.solve_s)
    proposals = sorted(optimal.proposals, key=lambda p: -p.score)[: max(1, min(limit, 1000))]
    s = optimal.stats
    return MatchProposals(
        proposals=[
            MatchProposal(
                resource_kind=ResourceKind(p.resource_kind),
                quantity=p.quantity,
                amount=Decimal(p.amount_fen) / 100 if p.amount_fen else None,
                minutes_per_week=p.minutes_per_week,
                score=round(p.score, 3),
                score_parts=[ScorePart(name=k, value=round(v, 3)) for k, v in p.score_parts.items()],
                reasons=p.reasons,
                need_id=p.need_id,
                resource_id=p.resource_id,
            )
            for p in proposals
        ],
        summary=MatchSummary(
            method=s.method,
            needs=s.needs,
            needs_met=s.needs_met,
            weighted_value=round(s.value, 2),
            greedy_needs_met=greedy.stats.needs_met,
            greedy_weighted_value=round(greedy.stats.value, 2),
            tekun_needs=s.tekun_needs,
            tekun_met=s.tekun_met,
            candidates=s.candidates,
            candidates_seconds=round(s.candidates_s, 4),
            solve_seconds=round(s.solve_s, 4),
            notes=s.notes,
        ),
        unmet=[UnmetNeed(reasons=reasons, need_id=need_id) for need_id, reasons in optimal.unmet.items()],
    )


@strawberry.type
class MatchingQueryFields:
    """The query fields this module resolves (merged into the schema's root type)."""

    propose_matches = strawberry.field(resolver=propose_matches)
