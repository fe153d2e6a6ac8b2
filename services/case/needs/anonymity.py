"""What the public feed may say about the person behind a wish: k-anonymous over the whole feed.

A wish describes a person by an age, a category phrase, a county and perhaps a brand project. Any
combination of those that only one or two wishes share points at a household, so every wish is
described at the most specific level whose description at least `K` published wishes share, and
less specifically otherwise:

    0  80多岁 · 独居老人 · county · brand project
    1  80多岁 · 独居老人 · county
    2  老人 (儿童, 成年人)  · county
    3  —      · 服务对象 · county

Levels only rise, wish by wish, until every description shown is shared by `K` wishes or stands at
the last level (county only: the design allows the county, and every county has more). The feed
names no one: not a family name (it splits groups below `K` by itself), not a name's length, not a
Mongolian name's first syllable.
"""

from collections import Counter
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass

from services.common.vocabulary import RecipientCategory

K = 3

# The category that best describes a person in one phrase, most specific first.
_PHRASES: list[tuple[RecipientCategory, str]] = [
    (RecipientCategory.LIVING_ALONE, "独居老人"),
    (RecipientCategory.EMPTY_NEST, "空巢老人"),
    (RecipientCategory.DISABLED_ELDERLY, "失能老人"),
    (RecipientCategory.LEFT_BEHIND, "留守儿童"),
    (RecipientCategory.CHILD_IN_HARDSHIP, "困境儿童"),
    (RecipientCategory.TEKUN, "特困人员"),
    (RecipientCategory.DIBAO, "低保对象"),
    (RecipientCategory.DIBIAN, "低边对象"),
    (RecipientCategory.DISABLED, "残疾人"),
    (RecipientCategory.ELDERLY, "老人"),
    (RecipientCategory.CHILD, "儿童"),
]
ANYONE = "服务对象"


@dataclass(frozen=True)
class Person:
    """The facts about the person behind a wish that the feed could show."""

    age: int
    categories: frozenset[RecipientCategory]
    county: str
    brand_project: str | None


@dataclass(frozen=True)
class Description:
    """What the feed shows of the person: the same for every wish it is shared by."""

    age_band: str | None  # 80多岁, 老年人 …
    age_from: int | None  # the band's lower bound
    phrase: str
    categories: tuple[RecipientCategory, ...]
    county: str
    project: str | None


def _phrase(person: Person) -> tuple[str, tuple[RecipientCategory, ...]]:
    for category, phrase in _PHRASES:
        if category in person.categories:
            return phrase, (category,)
    return ANYONE, ()


def _decade(age: int) -> str:
    if age < 10:
        return "不满10岁"
    return f"{age // 10 * 10}多岁"


def _group(person: Person) -> tuple[str, int, RecipientCategory | None]:
    if RecipientCategory.CHILD in person.categories or person.age < 18:
        return "儿童", 0, RecipientCategory.CHILD
    if RecipientCategory.ELDERLY in person.categories or person.age >= 60:
        return "老人", 60, RecipientCategory.ELDERLY
    return "成年人", 18, None


def _most_specific(person: Person, project: bool) -> Description:
    phrase, categories = _phrase(person)
    return Description(
        _decade(person.age),
        person.age // 10 * 10,
        phrase,
        categories,
        person.county,
        person.brand_project if project else None,
    )


def _by_group(person: Person) -> Description:
    group, age_from, category = _group(person)
    return Description(group, age_from, group, (category,) if category else (), person.county, None)


def _county_only(person: Person) -> Description:
    return Description(None, None, ANYONE, (), person.county, None)


LEVELS: list[Callable[[Person], Description]] = [
    lambda person: _most_specific(person, project=True),
    lambda person: _most_specific(person, project=False),
    _by_group,
    _county_only,
]


def anonymise(people: Mapping[Hashable, Person], k: int = K) -> dict[Hashable, Description]:
    """The description of each wish's person, every one shared by at least `k` wishes unless the
    county itself has fewer."""
    last = len(LEVELS) - 1
    level = dict.fromkeys(people, 0)
    while True:
        shown = {key: LEVELS[level[key]](person) for key, person in people.items()}
        counts = Counter(shown.values())
        rising = [key for key, description in shown.items() if counts[description] < k and level[key] < last]
        if not rising:
            rising = _company_for_the_lonely(shown, counts, level, k)
        if not rising:
            return shown
        for key in rising:
            level[key] += 1


def _company_for_the_lonely(
    shown: Mapping[Hashable, Description], counts: Counter[Description], level: Mapping[Hashable, int], k: int
) -> list[Hashable]:
    """A county-only description shared by too few would still single them out among wishes that say
    more: the smallest group of the same county that says more rises, whole, one level."""
    last = len(LEVELS) - 1
    for description, count in counts.items():
        if count >= k or description.age_band is not None or description.phrase != ANYONE:
            continue
        groups = Counter(d for key, d in shown.items() if d.county == description.county and level[key] < last)
        if groups:
            smallest = min(groups, key=lambda d: (groups[d], repr(d)))
            return [key for key, d in shown.items() if d == smallest]
    return []
