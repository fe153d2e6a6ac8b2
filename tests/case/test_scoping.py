"""Outsiders read nothing through any case repository read.

That every repository query applies `readable` (or `readable_platforms`) is checked once for all
services in tests/scope/test_repositories.py; what each role sees over HTTP, in
tests/scope/test_matrix.py.
"""

import uuid

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from services.case.cases import repository as cases
from services.case.needs import repository as needs
from services.case.platforms import repository as platforms
from services.case.projects import repository as projects
from services.case.recipients import repository as recipients
from services.common.auth import Principal
from services.common.vocabulary import Role
from tests.case.factories import make_case, make_need, make_recipient, make_staff, make_tree

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
        platforms.get(session, outsider, tree["station"].id),
        platforms.get_many(session, outsider, [tree["station"].id]),
        platforms.get_staff(session, outsider, [staff.id]),
        platforms.list_staff(session, outsider, tree["station"].id),
        recipients.get(session, outsider, recipient.id),
        recipients.get_many(session, outsider, [recipient.id]),
        cases.get(session, outsider, case.id),
        cases.get_many(session, outsider, [case.id]),
        cases.transitions(session, outsider, case.id),
        cases.records(session, outsider, case.id),
        cases.referrals(session, outsider, case.id),
        cases.records_by_id(session, outsider, [uuid.uuid4()]),
        cases.referrals_by_id(session, outsider, [uuid.uuid4()]),
        cases.transitions_by_id(session, outsider, [uuid.uuid4()]),
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
