"""Behaviour of the matching engine on small hand-made instances."""

from datetime import UTC, datetime, timedelta

from gateway.matching import CostModel, NeedInput, OfferInput, VolunteerInput, propose, week_mask
from gateway.matching.generator import generate_instance

NOW = datetime(2025, 3, 1, tzinfo=UTC)


def wish(id: str, categories: set[str], region: str = "150781001001", days_ago: float = 1, **kw: object) -> NeedInput:
    return NeedInput(
        id=id,
        kind="micro_wish",
        region_code=region,
        lat=49.6,
        lon=117.4,
        created_at=NOW - timedelta(days=days_ago),
        categories=frozenset(categories),
        item_category=kw.pop("item_category", "school_supplies"),  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )


def material(id: str, available: int, prefix: str = "1507", category: str = "school_supplies") -> OfferInput:
    return OfferInput(
        id=id, kind="material", region_prefix=prefix, lat=49.2, lon=119.8, item_category=category, available=available
    )


class TestPriority:
    def test_tekun_before_dibao_before_first_come(self) -> None:
        needs = [
            wish("early-dibao", {"child", "dibao"}, days_ago=90),
            wish("late-tekun", {"child", "tekun"}, days_ago=1),
        ]
        result = propose(needs, [material("o1", 1)], [], now=NOW)
        assert [p.need_id for p in result.proposals] == ["late-tekun"]
        assert "特困 priority / 特困优先" in result.proposals[0].reasons
        greedy = propose(needs, [material("o1", 1)], [], method="greedy", now=NOW)
        assert [p.need_id for p in greedy.proposals] == ["early-dibao"]

    def test_score_parts_add_up(self) -> None:
        result = propose([wish("w", {"child", "left_behind", "tekun"})], [material("o1", 1)], [], now=NOW)
        (proposal,) = result.proposals
        assert abs(sum(proposal.score_parts.values()) - proposal.score) < 1e-4
        assert proposal.score_parts["priority"] == CostModel().tier_tekun + CostModel().bonus_left_behind


class TestRegionScope:
    def test_prefix_rule(self) -> None:
        needs = [wish("in", {"tekun"}, region="150781001001"), wish("out", {"tekun"}, region="150102001001")]
        result = propose(needs, [material("o1", 5, prefix="1507")], [], now=NOW)
        assert result.met_need_ids() == {"in"}


class TestCare:
    def test_needs_language_skill_and_schedule(self) -> None:
        need = NeedInput(
            id="elder",
            kind="care",
            region_code="152525001",
            lat=45.5,
            lon=116.9,
            created_at=NOW,
            categories=frozenset({"elderly", "empty_nest", "living_alone", "tekun"}),
            skills=frozenset({"companionship"}),
            languages=frozenset({"mn"}),
            visits_per_month=4,
            visit_minutes=60,
            schedule=week_mask((2, 0)),
        )
        base = dict(region_code="152525001", lat=45.52, lon=116.95, free_minutes_per_week=120)
        vols = [
            VolunteerInput(id="zh-only", skills=frozenset({"companionship"}), languages=frozenset({"zh"}), **base),  # type: ignore[arg-type]
            VolunteerInput(
                id="wrong-day",
                skills=frozenset({"companionship"}),
                languages=frozenset({"mn"}),
                availability=week_mask((3, 0)),
                **base,
            ),  # type: ignore[arg-type]
            VolunteerInput(id="ok", skills=frozenset({"companionship"}), languages=frozenset({"mn", "zh"}), **base),  # type: ignore[arg-type]
        ]
        result = propose([need], [], vols, now=NOW)
        (proposal,) = result.proposals
        assert proposal.resource_id == "ok"
        assert proposal.minutes_per_week == need.minutes_per_week == 56


class TestGenerated:
    def test_optimal_beats_greedy_on_generated_instance(self) -> None:
        inst = generate_instance(400, seed=3)
        opt = propose(inst.needs, inst.offers, inst.volunteers, method="optimal", now=inst.now)
        greedy = propose(inst.needs, inst.offers, inst.volunteers, method="greedy", now=inst.now)
        assert opt.stats.objective >= greedy.stats.objective
        assert opt.stats.tekun_met >= greedy.stats.tekun_met
