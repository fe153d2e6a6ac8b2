"""What `scoping.readable` refuses outright.

That every repository query applies it is checked once for all services in
tests/scope/test_repositories.py; what each role sees over HTTP, in tests/scope/test_matrix.py.
"""

import pytest
from sqlalchemy import select

from services.common.auth import Principal
from services.common.vocabulary import Role
from services.resources.models import AuditEntry, Offer
from services.resources.scoping import readable


class TestReadable:
    def test_unknown_table_is_refused(self) -> None:
        with pytest.raises(TypeError):
            readable(select(AuditEntry), Principal(subject="x", role=Role.CIVIL_AFFAIRS_ADMIN))

    def test_org_staff_without_org_reads_nothing(self) -> None:
        statement = readable(select(Offer), Principal(subject="x", role=Role.ORG_STAFF))
        assert "false" in str(statement.compile(compile_kwargs={"literal_binds": True})).lower()
