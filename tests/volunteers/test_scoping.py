"""What `scoping.readable` refuses outright.

That every repository query applies it is checked once for all services in
tests/scope/test_repositories.py; what each role sees over HTTP, in tests/scope/test_matrix.py.
"""

import uuid

import pytest
from sqlalchemy import select

from services.common.auth import Principal
from services.common.vocabulary import Role
from services.volunteers.models import AuditEntry, Volunteer
from services.volunteers.scoping import readable


class TestReadableRules:
    def test_unknown_table_fails_loudly(self) -> None:
        with pytest.raises(LookupError):
            readable(select(AuditEntry), Principal(subject="x", role=Role.CIVIL_AFFAIRS_ADMIN))

    def test_app_client_reads_no_volunteer(self) -> None:
        statement = readable(select(Volunteer), Principal(subject="app", role=Role.APP_CLIENT))
        assert "false" in str(statement.compile(compile_kwargs={"literal_binds": True})).lower()

    def test_staff_without_platform_or_region_reads_nothing(self) -> None:
        principal = Principal(subject="s", role=Role.STATION_STAFF, platform_id=None)
        statement = readable(select(Volunteer).where(Volunteer.id == uuid.uuid4()), principal)
        assert "false" in str(statement.compile(compile_kwargs={"literal_binds": True})).lower()
