"""Every repository read of a scoped table goes through `scoping.readable`.

The test reads the source of every repository module: each function that builds a `select`
must call `readable(...)`, unless it is listed below with the reason it may not.
"""

import ast
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from services.common.auth import Principal
from services.common.vocabulary import Role
from services.volunteers.models import AuditEntry, Volunteer
from services.volunteers.scoping import readable

SERVICE_ROOT = Path(__file__).resolve().parents[2] / "services" / "volunteers"

UNSCOPED_READS = {
    "volunteers/repository.py:id_number_taken": "duplicate check answers yes/no, returns no row",
    "volunteers/repository.py:_available": "a WHERE clause for list_readable, not a read itself",
    "signups/repository.py:relock": "re-reads under lock a row already read through readable",
    "signups/repository.py:live_signup_exists": "rule check under the activity lock, yes/no",
    "signups/repository.py:first_waiting": "promotion under the activity lock, not returned to callers",
    "teams/repository.py:volunteer_exists": "existence of an id the volunteer handed over, yes/no",
    "commitments/repository.py:overlapping_signup": "clash check across all platforms, yes/no",
    "commitments/repository.py:active_assignments": "clash check, schedules only, not returned",
    "commitments/repository.py:upcoming_activity_times": "clash check, times only, not returned",
    "commitments/repository.py:activity_times_between": "weekly-hours check, times only, not returned",
}


def repository_functions() -> list[tuple[str, ast.AsyncFunctionDef | ast.FunctionDef]]:
    found = []
    for path in sorted(SERVICE_ROOT.rglob("repository.py")):
        tree = ast.parse(path.read_text())
        for node in tree.body:
            if isinstance(node, ast.AsyncFunctionDef | ast.FunctionDef):
                found.append((f"{path.parent.name}/{path.name}:{node.name}", node))
    return found


def calls(node: ast.AST) -> set[str]:
    names = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Call):
            func = child.func
            names.add(func.id if isinstance(func, ast.Name) else getattr(func, "attr", ""))
    return names


def reading_functions() -> list[tuple[str, ast.AST]]:
    return [(name, node) for name, node in repository_functions() if "select" in calls(node)]


class TestEveryReadIsScoped:
    def test_repositories_were_found(self) -> None:
        assert len(reading_functions()) >= 20

    @pytest.mark.parametrize(("name", "node"), reading_functions(), ids=lambda v: v if isinstance(v, str) else "")
    def test_read_goes_through_readable(self, name: str, node: ast.AST) -> None:
        if name in UNSCOPED_READS:
            assert "readable" not in calls(node), f"{name} is scoped now: drop it from UNSCOPED_READS"
            return
        assert "readable" in calls(node), f"{name} reads without scoping.readable"

    def test_allow_list_has_no_stale_entries(self) -> None:
        names = {name for name, _ in reading_functions()}
        assert set(UNSCOPED_READS) <= names


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
