"""The anonymised public wish (e.g. 80多岁独居老人，心愿：一台收音机), k-anonymous over the feed."""

from collections.abc import Hashable, Iterable, Mapping
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.case.models import Need
from services.case.needs import parts, repository
from services.case.needs.anonymity import Description, Person, anonymise
from services.case.needs.photo_links import is_own_photo
from services.case.needs.schemas import PublicWish
from services.case.recipients.views import age_on
from services.common.clock import clock
from services.common.regions import county_of, region_name
from services.common.vocabulary import ItemCategory, Language, NeedKind, NeedState, RecipientCategory, Skill

_WISH_WORD = {NeedKind.MICRO_WISH: "心愿", NeedKind.CARE: "需要", NeedKind.FUNDING: "需要资助"}


def person_of(birth_date: date, categories: list[str], region_code: str, brand_project: str | None) -> Person:
    return Person(
        age_on(birth_date, clock.today()),
        frozenset(RecipientCategory(c) for c in categories),
        county_of(region_code),
        brand_project,
    )


async def feed_descriptions(
    session: AsyncSession, version: str, wanted: Iterable[Hashable]
) -> dict[Hashable, Description]:
    """How the feed describes the person behind every published wish, k-anonymous over all of them.

    Worked out once per feed version (the database's MVCC snapshot digest): between commits every
    request of a process reuses it. A wish it does not know yet (published in this very
    transaction, which the digest cannot see) makes it work the descriptions out again."""
    cached = _DESCRIPTIONS.get(version)
    if cached is None or any(key not in cached for key in wanted):
        rows = await repository.public_people(session)
        cached = anonymise(
            {row.id: person_of(row.birth_date, row.categories, row.region_code, row.brand) for row in rows}
        )
        _DESCRIPTIONS.clear()  # one version at a time: the newest
        _DESCRIPTIONS[version] = cached
    return cached


_DESCRIPTIONS: dict[str, dict[Hashable, Description]] = {}


def public_wish(row: Any, descriptions: Mapping[Hashable, Description]) -> PublicWish:
    """Build from a (Need, …) row of the public statement and the feed's descriptions."""
    need: Need = row[0]
    person = descriptions[need.id]
    kind = NeedKind(need.kind)
    state = NeedState(need.state)
    done = state in (NeedState.FULFILLED, NeedState.CLOSED)
    who = f"{person.age_band or ''}{'' if person.age_band == person.phrase else person.phrase}"
    return PublicWish(
        id=need.id,
        kind=kind,
        display=f"{who}，{_WISH_WORD[kind]}：{need.title}",
        masked_name=NO_NAME,
        age=person.age_from,
        age_band=person.age_band,
        categories=list(person.categories),
        county_code=person.county,
        county_name=region_name(person.county),
        title=need.title,
        item_category=ItemCategory(need.item_category) if need.item_category is not None else None,
        quantity=need.quantity,
        estimated_value=need.estimated_value,
        visits_per_month=need.visits_per_month,
        visit_minutes=need.visit_minutes,
        skills=[Skill(code) for code in need.skills],
        languages=[Language(code) for code in need.languages],
        amount=need.amount,
        lacking_amount=parts.lacking_amount(need),
        deadline=need.deadline,
        state=state.value,
        project_name=person.project,
        published_at=need.created_at,
        fulfilled_at=need.fulfilled_at,
        feedback=need.feedback if done else None,
        proof_note=need.proof_note if done else None,
        # Only our own re-encoded photo; links stored before uploads existed are not published.
        proof_photo_url=need.proof_photo_url if done and is_own_photo(need.id, need.proof_photo_url) else None,
    )


NO_NAME = "**"  # the feed names no one (kept for clients that read the field)
