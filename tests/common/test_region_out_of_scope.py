"""REGION_OUT_OF_SCOPE is one kit error (issue 17): defined once, raised by the three services' statistics."""

from pathlib import Path

from services.common.errors import RegionOutOfScope, region_out_of_scope

ROOT = Path(__file__).resolve().parents[2]


def test_one_definition_in_the_kit() -> None:
    defining = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "services").rglob("*.py"))
        if 'code = "REGION_OUT_OF_SCOPE"' in path.read_text(encoding="utf-8")
    ]
    assert defining == ["services/common/errors.py"]


def test_names_region_and_scope_in_both_languages() -> None:
    error = region_out_of_scope("1529", "152921")
    assert isinstance(error, RegionOutOfScope)
    assert (error.status, error.code) == (403, "REGION_OUT_OF_SCOPE")
    assert "1529" in error.detail and "152921" in error.detail_zh
    assert error.extra == {"region": "1529", "scope": "152921"}
