"""The operator and integrator docs name every setting and the limits the code really applies."""

from pathlib import Path

from services.common.settings import Settings

DOCS = Path(__file__).resolve().parents[2] / "docs"


def settings_env_names() -> list[str]:
    prefix = Settings.model_config.get("env_prefix", "")
    names = []
    for field_name, field in Settings.model_fields.items():
        alias = field.validation_alias
        names.append((alias if isinstance(alias, str) else prefix + field_name).upper())
    return names


def test_operations_configuration_table_names_every_setting() -> None:
    text = (DOCS / "operations.md").read_text(encoding="utf-8")
    missing = [name for name in settings_env_names() if f"`{name}`" not in text]
    assert not missing, f"docs/operations.md does not describe {missing}"


def test_third_party_limits_are_the_settings_defaults() -> None:
    text = (DOCS / "third-party-api.md").read_text(encoding="utf-8")
    default = {name: field.default for name, field in Settings.model_fields.items()}  # not the environment's
    rows = {
        "request body": f"{default['graphql_max_body_bytes'] // 1024} KiB",
        "tokens per document": str(default["graphql_max_tokens"]),
        "selection depth": str(default["graphql_max_depth"]),
        "aliases per operation": str(default["graphql_max_aliases"]),
        "query cost": f"{default['graphql_max_cost']:,}".replace(",", " "),
        "upstream time per call": f"{default['upstream_timeout_s']:g} s",
    }
    for label, value in rows.items():
        line = next((line for line in text.splitlines() if line.startswith(f"| {label} |")), "")
        assert value in line, f"third-party-api.md: the {label} row should say {value}: {line!r}"
