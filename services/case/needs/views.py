"""The anonymised public wish (e.g. 王**，82岁，独居老人，心愿：一台收音机)."""

from datetime import date
from typing import Any

from services.case.models import Need
from services.case.needs.schemas import PublicWish
from services.case.recipients.views import age_on
from services.common.clock import clock
from services.common.personal_data import mask_name
from services.common.regions import county_of, region_name
from services.common.vocabulary import NeedKind, NeedState, RecipientCategory

# The category that best describes a person in one phrase, most specific first.
_PHRASE_ORDER = [
    RecipientCategory.LIVING_ALONE,
    RecipientCategory.EMPTY_NEST,
    RecipientCategory.DISABLED_ELDERLY,
    RecipientCategory.LEFT_BEHIND,
    RecipientCategory.CHILD_IN_HARDSHIP,
    RecipientCategory.TEKUN,
    RecipientCategory.DIBAO,
    RecipientCategory.DIBIAN,
    RecipientCategory.DISABLED,
    RecipientCategory.ELDERLY,
    RecipientCategory.CHILD,
]
_PHRASES = {
    RecipientCategory.LIVING_ALONE: "独居老人",
    RecipientCategory.EMPTY_NEST: "空巢老人",
    RecipientCategory.DISABLED_ELDERLY: "失能老人",
    RecipientCategory.LEFT_BEHIND: "留守儿童",
    RecipientCategory.CHILD_IN_HARDSHIP: "困境儿童",
    RecipientCategory.TEKUN: "特困人员",
    RecipientCategory.DIBAO: "低保对象",
    RecipientCategory.DIBIAN: "低边对象",
    RecipientCategory.DISABLED: "残疾人",
    RecipientCategory.ELDERLY: "老人",
    RecipientCategory.CHILD: "儿童",
}
_WISH_WORD = {NeedKind.MICRO_WISH: "心愿", NeedKind.CARE: "需要", NeedKind.FUNDING: "需要资助"}


def describe(categories: list[RecipientCategory]) -> str:
    for category in _PHRASE_ORDER:
        if category in categories:
            return _PHRASES[category]
    return "服务对象"


def public_wish(row: Any, today: date | None = None) -> PublicWish:
    """Build from a (Need, recipient name, birth date, categories, project name) row."""
    need: Need = row[0]
    name, birth_date, raw_categories, project_name = row[1], row[2], row[3], row[4]
    categories = [RecipientCategory(c) for c in raw_categories]
    age = age_on(birth_date, today or clock.today())
    masked = mask_name(name)
    kind = NeedKind(need.kind)
    state = NeedState(need.state)
    county = county_of(need.region_code)
    done = state in (NeedState.FULFILLED, NeedState.CLOSED)
    return PublicWish(
        id=need.id,
        kind=kind,
        display=f"{masked}，{age}岁，{describe(categories)}，{_WISH_WORD[kind]}：{need.title}",
        masked_name=masked,
        age=age,
        categories=categories,
        county_code=county,
        county_name=region_name(county),
        title=need.title,
        item_category=need.item_category,
        quantity=need.quantity,
        estimated_value=need.estimated_value,
        visits_per_month=need.visits_per_month,
        visit_minutes=need.visit_minutes,
        skills=need.skills,
        languages=need.languages,
        amount=need.amount,
        deadline=need.deadline,
        state=state.value,  # type: ignore[arg-type]
        project_name=project_name,
        published_at=need.created_at,
        fulfilled_at=need.fulfilled_at,
        feedback=need.feedback if done else None,
        proof_note=need.proof_note if done else None,
        proof_photo_url=need.proof_photo_url if done else None,
    )
