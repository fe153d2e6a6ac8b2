"""Every repository query of every service adds the caller's scope (CONVENTIONS.md, "Access scoping").

One check for the three services: each function in a `repository.py` that builds a `select(...)`
or an `update(...)` must call the service's scope function (`readable`, or `readable_platforms`
for the case service's platform tree), unless it is listed below with the reason it may not (the three per-service copies of this check
were merged here; their behavioural tests stay in tests/<service>/test_scoping.py); and
no module outside the repositories and the scoping modules builds a query at all. The plain reads
(get / get_many / search) come from the kit's `ScopedRepository` (services/common/repository.py):
each of its methods that builds a query goes through its bound scope function, every subclass in
a repository names its `model`, and every instance is bound to the service's scope function. What the scope
functions answer is proven by the scope matrix (tests/scope/test_matrix.py) and each service's
tests/<service>/test_scoping.py.
"""

import ast
from pathlib import Path

import pytest

SERVICES = Path(__file__).resolve().parents[2] / "services"
SCOPE_FUNCTIONS = frozenset({"readable", "readable_platforms"})
QUERY_BUILDERS = frozenset({"select", "update"})

WRITES_READ_ROW = "an UPDATE by id of a row the service has just read through readable()"
UNSCOPED = {
    # case
    "case/recipients/repository.py:find_by_id_hash": "duplicate check across the system; shown masked only",
    "case/needs/repository.py:_public_statement": "anonymised public feed, readable by anyone",
    "case/needs/repository.py:lock_public": "a donor's claim of a wish the public feed shows; the service only",
    "case/needs/repository.py:lapse_pending": "background expiry job, no caller",
    "case/needs/repository.py:linked_to_holds_since": "the link reconciler, a background job with no caller",
    "case/needs/repository.py:expire_past_deadline": "background expiry job, no caller",
    "case/needs/repository.py:with_parts_since": "the link reconciler, a background job with no caller",
    "case/needs/repository.py:lock_for_reconcile": "the link reconciler, a background job with no caller",
    "case/needs/repository.py:public_people": "age, categories, county, project of published wishes (k-anonymity)",
    "case/needs/repository.py:public_need": "a wish the public feed shows, for a donor's sealed claim ticket",
    "case/needs/repository.py:case_state_of": "the state of the case of a need already read in scope or in the feed",
    "case/platforms/repository.py:staff_subject_taken": "uniqueness check; returns a boolean only",
    "case/platforms/repository.py:same_person_at": "duplicate check at a platform the caller may write; an id only",
    "case/platforms/repository.py:contact_of": "name and phone of the platform that registered a duplicate ID",
    "case/platforms/repository.py:path_of": "the path of the platform of a record already read in scope",
    "case/platforms/repository.py:paths_of": "the paths of the platforms of records already read in scope",
    # resources
    "resources/holds/repository.py:expire_due": "system job without a caller; returns what it changed",
    "resources/holds/repository.py:unsettled": "the reconciler, a system job without a caller",
    "resources/pledges/repository.py:offers_pledged_with": "voiding a lapsed pledge, a system step; ids only",
    "resources/funds/repository.py:append": "selects literals from the UPDATE it guards, reads no rows",
    "resources/funds/repository.py:spent_or_reserved_for_need": "cap integrity check over all holds",
    "resources/funds/repository.py:lock_need_on_fund": "takes an advisory lock, reads no rows",
    "resources/funds/repository.py:_next_receipt_number": "locks the fund being booked, reads one number",
    "resources/holds/repository.py:move": WRITES_READ_ROW,
    "resources/offers/repository.py:update_fields": WRITES_READ_ROW,
    "resources/offers/repository.py:reserve": WRITES_READ_ROW,
    "resources/offers/repository.py:return_held": WRITES_READ_ROW,
    "resources/offers/repository.py:deliver_held": WRITES_READ_ROW,
    "resources/offers/repository.py:expire_lapsed": "system job without a caller (offers past their end)",
    "resources/organizations/repository.py:update_fields": WRITES_READ_ROW,
    "resources/organizations/repository.py:_serves_region": "a WHERE clause for search, not a read itself",
    # volunteers
    "volunteers/volunteers/repository.py:id_number_taken": "duplicate check answers yes/no, returns no row",
    "volunteers/volunteers/repository.py:_available": "a WHERE clause for search, not a read itself",
    "volunteers/signups/repository.py:relock": "re-reads under lock a row already read through readable",
    "volunteers/signups/repository.py:live_signup_exists": "rule check under the activity lock, yes/no",
    "volunteers/signups/repository.py:first_waiting": "promotion under the activity lock, not returned to callers",
    "volunteers/teams/repository.py:volunteer_exists": "existence of an id the volunteer handed over, yes/no",
    "volunteers/commitments/repository.py:overlapping_signup": "clash check across all platforms, yes/no",
    "volunteers/commitments/repository.py:active_assignments": "clash check, schedules only, not returned",
    "volunteers/commitments/repository.py:upcoming_activity_times": "clash check, times only, not returned",
    "volunteers/commitments/repository.py:activity_times_between": "weekly-hours check, times only, not returned",
    "volunteers/assignments/repository.py:active_made_before": "the assignment reconciler, a system job, ids only",
}
SERVICE_NAMES = ("case", "resources", "volunteers")
KIT_REPOSITORY = SERVICES / "common" / "repository.py"
BASE = "ScopedRepository"


def called_names(node: ast.AST) -> set[str]:
    names = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Call):
            func = child.func
            names.add(func.id if isinstance(func, ast.Name) else getattr(func, "attr", ""))
    return names


def repository_queries() -> list[tuple[str, ast.AST]]:
    """(service/package/repository.py:function, node) for every function that builds a query."""
    found = []
    for service in SERVICE_NAMES:
        for path in sorted((SERVICES / service).rglob("repository.py")):
            for node in ast.parse(path.read_text()).body:
                if isinstance(node, ast.AsyncFunctionDef | ast.FunctionDef) and QUERY_BUILDERS & called_names(node):
                    found.append((f"{path.relative_to(SERVICES)}:{node.name}", node))
    return found


def base_names(node: ast.ClassDef) -> set[str]:
    names = set()
    for base in node.bases:
        base = base.value if isinstance(base, ast.Subscript) else base
        names.add(base.id if isinstance(base, ast.Name) else getattr(base, "attr", ""))
    return names


def scoped_repositories() -> list[tuple[str, ast.ClassDef]]:
    """(service/package/repository.py:Class, node) for every subclass of the kit's base."""
    found = []
    for service in SERVICE_NAMES:
        for path in sorted((SERVICES / service).rglob("repository.py")):
            for node in ast.parse(path.read_text()).body:
                if isinstance(node, ast.ClassDef) and BASE in base_names(node):
                    found.append((f"{path.relative_to(SERVICES)}:{node.name}", node))
    return found


def repository_bindings() -> list[tuple[str, ast.Call]]:
    """(service/package/repository.py:name, call) for every module-level `name = SomeRepository(...)`."""
    found = []
    for service in SERVICE_NAMES:
        for path in sorted((SERVICES / service).rglob("repository.py")):
            classes = {
                node.name
                for node in ast.parse(path.read_text()).body
                if isinstance(node, ast.ClassDef) and BASE in base_names(node)
            }
            for node in ast.parse(path.read_text()).body:
                if (
                    isinstance(node, ast.Assign)
                    and isinstance(node.value, ast.Call)
                    and isinstance(node.value.func, ast.Name)
                    and (node.value.func.id in classes or node.value.func.id == BASE)
                ):
                    target = node.targets[0]
                    name = target.id if isinstance(target, ast.Name) else "?"
                    found.append((f"{path.relative_to(SERVICES)}:{name}", node.value))
    return found


QUERIES = repository_queries()
REPOSITORIES = scoped_repositories()
BINDINGS = repository_bindings()


def test_every_service_has_queries_to_check() -> None:
    per_service = {
        service: sum(name.startswith(f"{service}/") for name, _ in [*QUERIES, *REPOSITORIES])
        for service in SERVICE_NAMES
    }
    assert all(count >= 15 for count in per_service.values()), per_service


@pytest.mark.parametrize(("name", "node"), QUERIES, ids=[name for name, _ in QUERIES])
def test_query_applies_the_callers_scope(name: str, node: ast.AST) -> None:
    if name in UNSCOPED:
        return
    assert SCOPE_FUNCTIONS & called_names(node), f"{name} queries without readable()"


def test_exemptions_name_queries_that_exist() -> None:
    assert set(UNSCOPED) <= {name for name, _ in QUERIES}


def test_no_queries_outside_repositories() -> None:
    offenders = [
        str(path.relative_to(SERVICES))
        for service in SERVICE_NAMES
        for path in sorted((SERVICES / service).rglob("*.py"))
        if path.name not in ("repository.py", "scoping.py") and "select" in called_names(ast.parse(path.read_text()))
    ]
    assert offenders == []


def test_the_kits_reads_go_through_the_bound_scope() -> None:
    """Every method of the base that builds a query calls `self.readable`, which calls the bound one."""
    tree = ast.parse(KIT_REPOSITORY.read_text())
    base = next(node for node in tree.body if isinstance(node, ast.ClassDef) and node.name == BASE)
    methods = [node for node in base.body if isinstance(node, ast.AsyncFunctionDef | ast.FunctionDef)]
    builders = [method for method in methods if QUERY_BUILDERS & called_names(method)]
    assert {method.name for method in builders} >= {"get", "get_many", "search"}
    for method in builders:
        assert "readable" in called_names(method), f"ScopedRepository.{method.name} queries without readable()"
    readable = next(method for method in methods if method.name == "readable")
    assert "_readable" in called_names(readable)


@pytest.mark.parametrize(("name", "node"), REPOSITORIES, ids=[name for name, _ in REPOSITORIES])
def test_repository_declares_its_model(name: str, node: ast.ClassDef) -> None:
    assigned = {
        target.id
        for statement in node.body
        if isinstance(statement, ast.Assign | ast.AnnAssign)
        for target in (statement.targets if isinstance(statement, ast.Assign) else [statement.target])
        if isinstance(target, ast.Name)
    }
    assert "model" in assigned, f"{name} names no model"


@pytest.mark.parametrize(("name", "call"), BINDINGS, ids=[name for name, _ in BINDINGS])
def test_repository_is_bound_to_the_services_scope(name: str, call: ast.Call) -> None:
    assert len(call.args) == 1 and not call.keywords, f"{name} is not bound to one scope function"
    (scope,) = call.args
    if isinstance(scope, ast.Call):  # first_entity_scope(readable)
        assert [getattr(arg, "id", None) for arg in scope.args] in ([n] for n in SCOPE_FUNCTIONS), name
    else:
        assert isinstance(scope, ast.Name) and scope.id in SCOPE_FUNCTIONS, f"{name} is bound to {ast.unparse(scope)}"


def test_every_repository_is_bound() -> None:
    classes = {name.rsplit(":", 1)[1] for name, _ in REPOSITORIES}
    bound = {call.func.id for _, call in BINDINGS if isinstance(call.func, ast.Name)}
    assert classes <= bound
