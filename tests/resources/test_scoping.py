"""Every repository read of a scoped table goes through `scoping.readable` (CONVENTIONS.md).

The check reads the source: each function in a `repository.py` that builds a `select(...)` must
also call `readable(...)`, unless it is listed below with the reason it may not; and no module
outside the repositories builds a query at all.
"""

import ast
from pathlib import Path

import pytest
from sqlalchemy import select

from services.common.auth import Principal
from services.common.vocabulary import Role
from services.resources.models import AuditEntry, Offer
from services.resources.scoping import readable

SOURCE = Path(__file__).resolve().parents[2] / "services" / "resources"

UNSCOPED = {
    ("holds/repository.py", "expire_due"): "system job without a caller; returns what it changed",
    ("holds/repository.py", "unsettled"): "the reconciler, a system job without a caller",
    ("pledges/repository.py", "offers_pledged_with"): "voiding a lapsed pledge, a system step; returns ids only",
    ("funds/repository.py", "append"): "selects literals from the UPDATE it guards, reads no rows",
    ("funds/repository.py", "spent_or_reserved_for_need"): "cap integrity check over all holds",
    ("funds/repository.py", "lock_need_on_fund"): "takes an advisory lock, reads no rows",
}


def calls(node: ast.AST, name: str) -> bool:
    return any(
        isinstance(child, ast.Call) and isinstance(child.func, ast.Name) and child.func.id == name
        for child in ast.walk(node)
    )


def repository_queries() -> list[tuple[str, str, ast.AST]]:
    found = []
    for path in sorted(SOURCE.glob("*/repository.py")):
        tree = ast.parse(path.read_text())
        for node in tree.body:
            if isinstance(node, ast.AsyncFunctionDef | ast.FunctionDef) and calls(node, "select"):
                found.append((str(path.relative_to(SOURCE)), node.name, node))
    return found


class TestEveryReadIsScoped:
    def test_there_are_queries_to_check(self) -> None:
        assert len(repository_queries()) >= 15

    @pytest.mark.parametrize(
        ("module", "function", "node"),
        repository_queries(),
        ids=[f"{m}:{f}" for m, f, _ in repository_queries()],
    )
    def test_query_uses_readable(self, module: str, function: str, node: ast.AST) -> None:
        if (module, function) in UNSCOPED:
            return
        assert calls(node, "readable"), f"{module}:{function} reads without scoping.readable"

    def test_exemptions_still_exist(self) -> None:
        present = {(module, function) for module, function, _ in repository_queries()}
        assert set(UNSCOPED) <= present

    def test_no_queries_outside_repositories(self) -> None:
        offenders = [
            str(path.relative_to(SOURCE))
            for path in SOURCE.rglob("*.py")
            if path.name not in ("repository.py", "scoping.py") and calls(ast.parse(path.read_text()), "select")
        ]
        assert offenders == []


class TestReadable:
    def test_unknown_table_is_refused(self) -> None:
        with pytest.raises(TypeError):
            readable(select(AuditEntry), Principal(subject="x", role=Role.CIVIL_AFFAIRS_ADMIN))

    def test_org_staff_without_org_reads_nothing(self) -> None:
        statement = readable(select(Offer), Principal(subject="x", role=Role.ORG_STAFF))
        assert "false" in str(statement.compile(compile_kwargs={"literal_binds": True})).lower()
