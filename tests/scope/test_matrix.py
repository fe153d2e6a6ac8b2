"""The scope matrix: who gets what, for every role, resource type, relationship and action.

Generated from the one list below: each table is a resource type, each row a role (the caller's
seat in tests/scope/world.py), each column a relationship (where the record lies: `own`, the
caller's `room` (community room below a station), `sibling` station, parent `centre`, `county_b`
(another county), `org_a` (the organisation serving the caller's county), `org_b` (another
organisation, serving county B), `vol_b` (another volunteer's)), each cell one character per
action of the type, in the order of `actions()`: read, list, update, act (release / ticket /
cancel / a ledger entry). 2 = success, 4 = 404 (out of scope: nothing confirmed), 3 = 403 (seen
but not allowed, or a role that may never do it, whatever the record), y / n = in the caller's
list or feed or not, . = no such record. Every cell is asked over real HTTP against the three
services (real uvicorn processes on a database of their own), and a representative subset
(`node(id)`) through the gateway.

Run: .venv/bin/python -m pytest tests/scope/test_matrix.py -q -s -p no:cacheprovider
"""

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from tests.scope.matrix import ACTIONS, FEEDS, RELATIONSHIPS, RESOURCES, Asker, place_of
from tests.scope.world import ROLES, World

pytestmark = pytest.mark.e2e

COLUMNS = dict(
    zip(
        ("own", "room", "sibling", "centre", "county_b", "org_a", "org_b", "vol_b"),
        RELATIONSHIPS,
        strict=True,
    )
)

REST = """
platform            own      room     sibling  centre   county_b vol_b
civil_affairs_admin 2y23     2y33     2y23     2y23     4n44     .
centre_staff        2y22     2y22     2y22     .        4n44     .
station_staff       2y22     2y22     4n44     2y33     4n44     .
community_worker    2y22     .        4n44     2y33     4n44     .
org_staff           .        4n44     4n44     4n44     4n44     .
volunteer           4n44     4n44     4n44     4n44     4n44     4n44
app_client          .        4n44     4n44     4n44     4n44     .

recipient           own      room     sibling  county_b vol_b
civil_affairs_admin 2y3      2y3      2y3      4n4      .
centre_staff        .        2y2      2y2      4n4      .
station_staff       2y2      2y2      4n4      4n4      .
community_worker    2y2      .        4n4      4n4      .
org_staff           .        4n4      4n4      4n4      .
volunteer           4n4      4n4      4n4      4n4      4n4
app_client          .        4n4      4n4      4n4      .

case                own      room     sibling  county_b vol_b
civil_affairs_admin 2y3      2y3      2y3      4n4      .
centre_staff        .        2y2      2y2      4n4      .
station_staff       2y2      2y2      4n4      4n4      .
community_worker    2y2      .        4n4      4n4      .
org_staff           .        4n4      4n4      4n4      .
volunteer           4n4      4n4      4n4      4n4      4n4
app_client          .        4n4      4n4      4n4      .

need                own      room     sibling  county_b vol_b
civil_affairs_admin 2y33     2y33     2y33     4n43     .
centre_staff        .        2y22     2y22     4n44     .
station_staff       2y22     2y22     4n44     4n44     .
community_worker    2y22     .        4n44     4n44     .
org_staff           .        4n43     4n43     4n43     .
volunteer           4n43     4n43     4n43     4n43     4n43
app_client          .        4n43     4n43     4n43     .

hold                own      room     sibling  county_b vol_b
civil_affairs_admin 2y3      2y3      2y3      4n4      .
centre_staff        .        2y2      2y2      4n4      .
station_staff       2y2      2y2      4n4      4n4      .
community_worker    2y3      .        4n4      4n4      .
org_staff           .        2y2      2y2      4n4      .
volunteer           4n4      4n4      4n4      4n4      4n4
app_client          .        4n4      4n4      4n4      .

pledge              own      sibling  county_b vol_b
civil_affairs_admin 2y       2y       4n       .
centre_staff        .        2y       4n       .
station_staff       2y       4n       4n       .
community_worker    .        4n       4n       .
org_staff           .        2y       4n       .
volunteer           4n       4n       4n       4n
app_client          2y       4n       4n       .

fund_ledger         own      org_a    org_b
civil_affairs_admin .        23       44
centre_staff        .        23       44
station_staff       .        23       44
community_worker    .        23       44
org_staff           22       .        44
volunteer           .        23       23
app_client          .        23       23

organisation        own      org_a    org_b
civil_affairs_admin .        2y2      4n4
centre_staff        .        2y3      4n4
station_staff       .        2y3      4n4
community_worker    .        2y3      4n4
org_staff           2y2      .        4n4
volunteer           .        2y3      2y3
app_client          .        2y3      2y3

offer               own      org_a    org_b
civil_affairs_admin .        2y3      4n4
centre_staff        .        2y3      4n4
station_staff       .        2y3      4n4
community_worker    .        2y3      4n4
org_staff           2y2      .        4n4
volunteer           .        2y3      2y3
app_client          .        2y3      2y3

volunteer           own      room     sibling  centre   county_b vol_b
civil_affairs_admin 2y3      2y3      2y3      2y3      4n4      .
centre_staff        2y2      2y2      2y2      .        4n4      .
station_staff       2y2      2y2      4n4      4n4      4n4      .
community_worker    2y2      .        4n4      4n4      4n4      .
org_staff           .        4n4      4n4      4n4      4n4      .
volunteer           2y2      4n4      4n4      4n4      4n4      4n4
app_client          .        4n4      4n4      4n4      4n4      .

team                own      room     sibling  centre   county_b vol_b
civil_affairs_admin 2y3      2y3      2y3      2y3      4n4      .
centre_staff        2y2      2y2      2y2      .        4n4      .
station_staff       2y2      2y2      4n4      4n4      4n4      .
community_worker    2y2      .        4n4      4n4      4n4      .
org_staff           .        4n4      4n4      4n4      4n4      .
volunteer           2y3      4n4      4n4      4n4      4n4      4n4
app_client          .        4n4      4n4      4n4      4n4      .

activity            own      room     sibling  centre   county_b vol_b
civil_affairs_admin 2y33     2y33     2y33     2y33     4n44     .
centre_staff        2y22     2y22     2y22     .        4n44     .
station_staff       2y22     2y22     4n44     4n44     4n44     .
community_worker    2y22     .        4n44     4n44     4n44     .
org_staff           .        4n44     4n44     4n44     4n44     .
volunteer           2y33     4n44     4n44     4n44     4n44     4n44
app_client          .        4n44     4n44     4n44     4n44     .

care_assignment     own      room     sibling  county_b vol_b
civil_affairs_admin 2y       2y       2y       4n       .
centre_staff        .        2y       2y       4n       .
station_staff       2y       2y       4n       4n       .
community_worker    2y       .        4n       4n       .
org_staff           .        4n       4n       4n       .
volunteer           2y       4n       4n       4n       4n
app_client          .        4n       4n       4n       .

audit_case          own      room     sibling  county_b vol_b
civil_affairs_admin y        y        y        n        .
centre_staff        .        y        y        n        .
station_staff       3        3        3        3        .
community_worker    3        .        3        3        .
org_staff           .        3        3        3        .
volunteer           3        3        3        3        3
app_client          .        3        3        3        .

audit_resources     own      room     sibling  county_b vol_b
civil_affairs_admin y        y        y        n        .
centre_staff        .        y        y        n        .
station_staff       3        3        3        3        .
community_worker    3        .        3        3        .
org_staff           .        3        3        3        .
volunteer           3        3        3        3        3
app_client          .        3        3        3        .

audit_volunteers    own      room     sibling  centre   county_b vol_b
civil_affairs_admin y        y        y        y        n        .
centre_staff        y        y        y        .        n        .
station_staff       3        3        3        3        3        .
community_worker    3        .        3        3        3        .
org_staff           .        3        3        3        3        .
volunteer           3        3        3        3        3        3
app_client          .        3        3        3        3        .

events_case         own      room     sibling  county_b vol_b
civil_affairs_admin y        y        y        n        .
centre_staff        .        y        y        n        .
station_staff       y        y        n        n        .
community_worker    y        .        n        n        .
org_staff           .        3        3        3        .
volunteer           3        3        3        3        3
app_client          .        y        y        y        .

events_resources    own      room     sibling  county_b vol_b
civil_affairs_admin y        y        y        n        .
centre_staff        .        y        y        n        .
station_staff       y        y        n        n        .
community_worker    y        .        n        n        .
org_staff           .        3        3        3        .
volunteer           3        3        3        3        3
app_client          .        n        n        n        .

events_volunteers   own      room     sibling  centre   county_b vol_b
civil_affairs_admin y        y        y        y        n        .
centre_staff        y        y        y        .        n        .
station_staff       y        y        n        n        n        .
community_worker    y        .        n        n        n        .
org_staff           .        3        3        3        3        .
volunteer           3        3        3        3        3        3
app_client          .        n        n        n        n        .
"""

GATEWAY = """
platform            own      room     sibling  centre   county_b vol_b
civil_affairs_admin 2        2        2        2        4        .
centre_staff        2        2        2        .        4        .
station_staff       2        2        4        2        4        .
community_worker    2        .        4        2        4        .
org_staff           .        4        4        4        4        .
volunteer           4        4        4        4        4        4
app_client          .        3        3        3        3        .

recipient           own      room     sibling  county_b vol_b
civil_affairs_admin 2        2        2        4        .
centre_staff        .        2        2        4        .
station_staff       2        2        4        4        .
community_worker    2        .        4        4        .
org_staff           .        4        4        4        .
volunteer           4        4        4        4        4
app_client          .        3        3        3        .

case                own      room     sibling  county_b vol_b
civil_affairs_admin 2        2        2        4        .
centre_staff        .        2        2        4        .
station_staff       2        2        4        4        .
community_worker    2        .        4        4        .
org_staff           .        4        4        4        .
volunteer           4        4        4        4        4
app_client          .        3        3        3        .

need                own      room     sibling  county_b vol_b
civil_affairs_admin 2        2        2        4        .
centre_staff        .        2        2        4        .
station_staff       2        2        4        4        .
community_worker    2        .        4        4        .
org_staff           .        4        4        4        .
volunteer           4        4        4        4        4
app_client          .        3        3        3        .

organisation        own      org_a    org_b
civil_affairs_admin .        2        4
centre_staff        .        2        4
station_staff       .        2        4
community_worker    .        2        4
org_staff           2        .        4
volunteer           .        2        2
app_client          .        3        3

offer               own      org_a    org_b
civil_affairs_admin .        2        4
centre_staff        .        2        4
station_staff       .        2        4
community_worker    .        2        4
org_staff           2        .        4
volunteer           .        2        2
app_client          .        3        3

volunteer           own      room     sibling  centre   county_b vol_b
civil_affairs_admin 2        2        2        2        4        .
centre_staff        2        2        2        .        4        .
station_staff       2        2        4        4        4        .
community_worker    2        .        4        4        4        .
org_staff           .        4        4        4        4        .
volunteer           2        4        4        4        4        4
app_client          .        3        3        3        3        .
"""


def actions(resource: str) -> tuple[str, ...]:
    spec = RESOURCES[resource]
    if resource in FEEDS:
        return ("list",)
    if resource == "fund_ledger":
        return ("read", "act")
    return tuple(a for a in ACTIONS if a in ("read", "list") or getattr(spec, a) is not None)


def parse(text: str) -> dict[str, dict[tuple[str, str], str]]:
    """{resource: {(role, relationship): cell}} from the tables."""
    tables: dict[str, dict[tuple[str, str], str]] = {}
    for block in text.strip().split("\n\n"):
        header, *rows = block.strip().splitlines()
        resource, *columns = header.split()
        assert [row.split()[0] for row in rows] == list(ROLES), f"{resource}: one row per role, in order"
        cells: dict[tuple[str, str], str] = {}
        for row in rows:
            role, *values = row.split()
            assert len(values) == len(columns), f"{resource}/{role}: one cell per column"
            for column, value in zip(columns, values, strict=True):
                if value != ".":
                    cells[(role, COLUMNS[column])] = value
        tables[resource] = cells
    return tables


EXPECTED, EXPECTED_GATEWAY = parse(REST), parse(GATEWAY)
FLOOR = 1000  # cells; the tables hold more, but fewer means cells were dropped


@pytest.fixture(scope="module")
def tally() -> Iterator[list[int]]:
    count = [0]
    yield count
    print(f"\nscope matrix: {count[0]} cells")


@pytest.fixture(scope="module")
async def asker(world: World) -> AsyncIterator[Asker]:
    async with httpx.AsyncClient(timeout=30) as client:
        yield Asker(world, client)


def test_every_role_resource_and_relationship_is_in_the_list() -> None:
    assert set(EXPECTED) == set(RESOURCES)
    for resource, cells in EXPECTED.items():
        assert {role for role, _ in cells} == set(ROLES), resource
        for cell in cells.values():
            assert len(cell) == len(actions(resource)), (resource, cell)
    relationships = {relationship for cells in EXPECTED.values() for _, relationship in cells}
    assert relationships == set(RELATIONSHIPS)


@pytest.mark.parametrize("resource", list(RESOURCES))
async def test_rest(resource: str, asker: Asker, tally: list[int]) -> None:
    seen, wrong = EXPECTED[resource], []
    for role in ROLES:
        for relationship in RELATIONSHIPS:
            place = place_of(role, relationship)
            exists = place is not None and asker.record_id(resource, place) is not None
            assert exists == ((role, relationship) in seen), f"{resource}/{role}/{relationship}: table and world differ"
    # Acts last: a refused act leaves the world's record as it was, an allowed one gets a fresh record.
    for phase in ("ask", "act"):
        for (role, relationship), cell in seen.items():
            place = place_of(role, relationship)
            assert place is not None
            for action, expected in zip(actions(resource), cell, strict=True):
                if (action == "act") != (phase == "act"):
                    continue
                if action == "act":
                    got = await asker.act(role, resource, place, expected)
                else:
                    got = await asker.ask(role, resource, place, action)
                tally[0] += 1
                if got != expected:
                    wrong.append(f"{role} {action} {resource} ({relationship}): expected {expected}, got {got}")
    assert wrong == []


@pytest.mark.parametrize("resource", list(EXPECTED_GATEWAY))
async def test_gateway(resource: str, asker: Asker, tally: list[int]) -> None:
    wrong = []
    for (role, relationship), expected in EXPECTED_GATEWAY[resource].items():
        place = place_of(role, relationship)
        assert place is not None
        got = await asker.node(role, resource, place)
        got = "3" if got == "xFORBIDDEN" else got
        tally[0] += 1
        if got != expected:
            wrong.append(f"{role} node({resource}, {relationship}): expected {expected}, got {got}")
    assert wrong == []


def test_the_matrix_is_large_enough(tally: list[int]) -> None:
    assert tally[0] >= FLOOR, tally[0]
