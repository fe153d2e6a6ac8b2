"""Every figure of linkageStats carries its one written definition (issue 17)."""

from gateway.schema import build_schema
from services.common.settings import Settings

FIGURE_TYPES = (
    "LinkageStats",
    "CaseFigures",
    "VolunteerFigures",
    "FundFigures",
    "WishFigures",
    "PlatformCounts",
    "PlatformStats",
)


def test_every_figure_is_defined() -> None:
    schema = build_schema(Settings(environment="production", jwt_secret="t", pii_key="t"))._schema
    undefined = [
        f"{name}.{field}"
        for name in FIGURE_TYPES
        for field, definition in schema.type_map[name].fields.items()  # type: ignore[attr-defined]
        if not definition.description
    ]
    assert undefined == []


def test_one_beneficiary_figure() -> None:
    schema = build_schema(Settings(environment="production", jwt_secret="t", pii_key="t"))._schema
    stats = schema.type_map["LinkageStats"].fields  # type: ignore[attr-defined]
    assert "beneficiaryPersonTimes" in stats and "careNeedsServed" in schema.type_map["VolunteerFigures"].fields  # type: ignore[attr-defined]
    sides = [schema.type_map[t].fields["beneficiaryPersonTimes"] for t in ("CaseFigures", "VolunteerFigures")]  # type: ignore[attr-defined]
    assert all(field.deprecation_reason for field in sides)
