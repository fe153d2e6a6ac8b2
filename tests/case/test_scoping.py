"""Every read of a scoped table goes through `readable` (or `readable_platforms`).

The rule is checked on the source of every repository function, so a new query that forgets the
caller's scope fails here before it can leak a recipient to another station. The few unscoped
queries are listed with the reason they are safe.
"""

import ast
import uuid
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

import services.case
from services.case.cases import repository as cases
from services.case.needs import repository as needs
from services.case.platforms import repository as platforms
from services.case.projects import repository as projects
from services.case.recipients import repository as recipients
from services.common.auth import Principal
from services.common.vocabulary import Role
from tests.case.factories import make_case, make_need, make_recipient, make_staff, make_tree

UNSCOPED = {
    "recipients.find_by_id_hash": "duplicate check across the system; its result is only ever shown masked",
    "needs._public_statement": "anonymised public feed, readable by anyone",
    "needs.public_wishes": "anonymised public feed, readable by anyone",
    "needs.public_wishes_by_id": "anonymised public feed, readable by anyone",
    "needs.lock_public": "a donor's claim of a wish the public feed shows; returns the need to the service only",
    "needs.lapse_pending": "background expiry job, no caller",
    "needs.linked_to_holds_since": "the link reconciler, a background job with no caller",
    "needs.expire_past_deadline": "background expiry job, no caller",
    "platforms.staff_subject_taken": "uniqueness check; returns a boolean only",
    "platforms.contact_of": "the name and phone of the platform that registered a duplicate ID: whom to contact",
    "platforms.path_of": "the path of the platform of a record the caller has already read in scope",
    "platforms.paths_of": "the paths of the platforms of records the caller has already read in scope",
    "needs.public_people": "age, categories, county and brand project of published wishes, to keep the feed k-anonymous",
    "needs.public_need": "a wish the public feed shows, for a donor's claim ticket (sealed, so nothing leaks)",
}
SERVICE_ROOT = Path(services.case.__file__).parent


def repository_functions() -> list[tuple[str, ast.AsyncFunctionDef | ast.FunctionDef, str]]:
    found = []
    for path in sorted(SERVICE_ROOT.glob("*/repository.py")):
        source = path.read_text()
        for node in ast.parse(source).body:
            if isinstance(node, ast.AsyncFunctionDef | ast.FunctionDef):
                found.append((f"{path.parent.name}.{node.name}", node, ast.get_source_segment(source, node) or ""))
    return found


def test_there_are_repositories_to_check() -> None:
    assert len(repository_functions()) >= 20


@pytest.mark.parametrize(("name", "node", "source"), repository_functions(), ids=[f[0] for f in repository_functions()])
def test_every_query_applies_the_callers_scope(name: str, node: ast.AST, source: str) -> None:
    queries = "select(" in source or "update(" in source
    if not queries or name in UNSCOPED:
        return
    assert "readable(" in source or "readable_platforms(" in source, f"{name} queries without readable()"


OUTSIDER_ROLES = [Role.ORG_STAFF, Role.VOLUNTEER, Role.APP_CLIENT]


@pytest.mark.parametrize("role", OUTSIDER_ROLES)
async def test_outsiders_read_nothing_through_any_repository_read(session: AsyncSession, role: Role) -> None:
    """Run every read with an outsider's principal over a populated station: nothing comes back."""
    tree = await make_tree(session)
    recipient = await make_recipient(session, platform=tree["station"])
    case = await make_case(session, recipient=recipient, state="intervention")
    need = await make_need(session, case=case)
    staff = await make_staff(session, platform=tree["station"])
    outsider = Principal(subject="x", role=role, org_id=uuid.uuid4(), volunteer_id=uuid.uuid4())
    reads = [
        platforms.get_platform(session, outsider, tree["station"].id),
        platforms.get_platforms(session, outsider, [tree["station"].id]),
        platforms.get_staff(session, outsider, [staff.id]),
        platforms.list_staff(session, outsider, tree["station"].id),
        recipients.get(session, outsider, recipient.id),
        recipients.get_many(session, outsider, [recipient.id]),
        cases.get(session, outsider, case.id),
        cases.get_many(session, outsider, [case.id]),
        cases.transitions(session, outsider, case.id),
        cases.records(session, outsider, case.id),
        cases.referrals(session, outsider, case.id),
        needs.get(session, outsider, need.id),
        needs.get_many(session, outsider, [need.id]),
        projects.get_many(session, outsider, [uuid.uuid4()]),
    ]
    for read in reads:
        assert not await read
    page, _ = await recipients.search(
        session, outsider, platform_id=None, region=None, category=None, name=None, cursor=None, limit=10
    )
    assert not page
