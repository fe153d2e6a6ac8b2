"""The feed's descriptions of people are k-anonymous over the whole feed, whatever the population."""

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from services.case.needs.anonymity import LEVELS, K, Person, anonymise
from services.common.vocabulary import RecipientCategory

people = st.builds(
    Person,
    age=st.integers(0, 105),
    categories=st.frozensets(st.sampled_from(list(RecipientCategory)), max_size=3),
    county=st.sampled_from(["150781", "150782", "152921"]),
    brand_project=st.sampled_from([None, "空巢不空", "圆梦微心愿"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(people, max_size=60))
def test_every_description_is_shared_by_k_wishes_unless_the_county_has_fewer(population: list[Person]) -> None:
    shown = anonymise(dict(enumerate(population)))
    counts = Counter(shown.values())
    for key, description in shown.items():
        if counts[description] < K:
            assert description == LEVELS[-1](population[key])  # nothing left to hide but the county
            assert sum(p.county == population[key].county for p in population) < K


def test_the_most_specific_description_is_kept_where_it_is_common() -> None:
    elder = Person(82, frozenset({RecipientCategory.ELDERLY, RecipientCategory.LIVING_ALONE}), "150781", "空巢不空")
    child = Person(9, frozenset({RecipientCategory.CHILD, RecipientCategory.LEFT_BEHIND}), "150781", None)
    elsewhere = Person(45, frozenset({RecipientCategory.DIBAO}), "152921", None)
    shown = anonymise({**{i: elder for i in range(3)}, **{f"child {i}": child for i in range(3)}, "far": elsewhere})
    assert (shown[0].age_band, shown[0].phrase, shown[0].project) == ("80多岁", "独居老人", "空巢不空")
    assert (shown["child 0"].age_band, shown["child 0"].phrase) == ("不满10岁", "留守儿童")
    assert (shown["far"].age_band, shown["far"].phrase) == (None, "服务对象")  # alone in its county


def test_a_lonely_wish_gets_company_from_the_smallest_group_of_its_county() -> None:
    elder = Person(82, frozenset({RecipientCategory.ELDERLY, RecipientCategory.LIVING_ALONE}), "150781", None)
    child = Person(9, frozenset({RecipientCategory.CHILD, RecipientCategory.LEFT_BEHIND}), "150781", None)
    adult = Person(45, frozenset({RecipientCategory.DIBAO}), "150781", None)
    shown = anonymise({**{i: elder for i in range(4)}, **{f"child {i}": child for i in range(3)}, "adult": adult})
    assert shown[0].phrase == "独居老人"  # the larger group keeps what it says
    assert {shown["adult"], shown["child 0"]} == {LEVELS[-1](adult)}  # the three children hide the one adult
