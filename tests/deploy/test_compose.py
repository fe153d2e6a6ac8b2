"""Static checks of the deployment files: compose.yaml, Dockerfile, .dockerignore and the Keycloak realm.

There is no Docker engine where the tests run, so nothing here starts a container. Instead the
tests hold the files to the code they start: every `wushe` command exists in the CLI, every
uvicorn target imports and is a factory, every `WUSHE_*` variable is a real setting, the ports,
health checks and start order agree, and the realm defines the roles and claims the services read.
"""

import ast
import fnmatch
import inspect
import json
import re
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
import typer.main
import yaml

from services.common.settings import DEV_JWT_SECRET, DEV_PII_KEY, Settings
from services.common.vocabulary import Role
from workbench.settings import DEV_SESSION_SECRET, WorkbenchSettings
from wushe_cli.main import app as cli_app
from wushe_cli.stack import APPS, FACTORIES, Ports

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "compose.yaml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
REALM = ROOT / "deploy" / "keycloak" / "realm-wushe.json"

APP_SERVICES = ("case", "resources", "volunteers")  # the FastAPI services, named as in wushe_cli.stack.APPS
WUSHE_IMAGE_SERVICES = ("migrate", *APP_SERVICES, "gateway")  # they read services.common.settings
BUILT_SERVICES = (*WUSHE_IMAGE_SERVICES, "workbench")  # the one image (the workbench reads its own settings)
CLAIMS = ("role", "region", "platform_id", "org_id", "volunteer_id")

# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error}, ${NAME?error}; `$$` is a literal `$`.
_INTERPOLATION = re.compile(r"\$\$|\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")


# --- helpers ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    document = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return compose["services"]


@pytest.fixture(scope="module")
def realm() -> dict[str, Any]:
    return json.loads(REALM.read_text(encoding="utf-8"))


def interpolate(value: str, env: dict[str, str]) -> str:
    """What compose makes of `value` given the variables in `env` (raises on a missing required one)."""

    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name, op, arg = match.group("name"), match.group("op"), match.group("arg")
        present = name in env and (env[name] != "" or op in (None, "-", "?"))
        if present:
            return env[name]
        if op in (":?", "?"):
            raise LookupError(f"required variable {name} is missing: {arg}")
        return arg if op in (":-", "-") else ""

    return _INTERPOLATION.sub(replace, value)


def interpolation_variables(text: str) -> dict[str, tuple[str | None, str]]:
    """Every `${NAME…}` in the file: name -> (operator, argument)."""
    found: dict[str, tuple[str | None, str]] = {}
    for match in _INTERPOLATION.finditer(text):
        if match.group("name"):
            found[match.group("name")] = (match.group("op"), match.group("arg") or "")
    return found


def default_of(value: str) -> str:
    """`${NAME:-default}` -> default (the value when the operator sets nothing)."""
    return interpolate(value, {})


def command_of(service: dict[str, Any]) -> list[str]:
    command = service.get("command")
    assert isinstance(command, list), "write commands in exec form (a list), not as a shell string"
    return [str(part) for part in command]


def option(command: list[str], name: str) -> str:
    assert name in command, f"{name} missing from {command}"
    return command[command.index(name) + 1]


def depends_on(service: dict[str, Any]) -> dict[str, str]:
    deps = service.get("depends_on") or {}
    assert isinstance(deps, dict), "use the long depends_on form with a condition"
    return {name: spec["condition"] for name, spec in deps.items()}


def healthcheck_code(service: dict[str, Any]) -> str:
    """The Python source of a `["CMD", "python", "-c", code]` health check."""
    test = service["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"], test
    return str(test[3])


def settings_env_names() -> dict[str, str]:
    """Environment variable -> Settings field, as pydantic-settings reads them."""
    prefix = Settings.model_config.get("env_prefix", "")
    names: dict[str, str] = {}
    for field_name, field in Settings.model_fields.items():
        alias = field.validation_alias
        names[(alias if isinstance(alias, str) else prefix + field_name).upper()] = field_name
    return names


def workbench_env_names() -> dict[str, str]:
    """Environment variable -> WorkbenchSettings field."""
    prefix = WorkbenchSettings.model_config.get("env_prefix", "")
    return {(prefix + name).upper(): name for name in WorkbenchSettings.model_fields}


# --- compose.yaml: structure -----------------------------------------------------------------


def test_compose_has_the_whole_stack(services: dict[str, dict[str, Any]]) -> None:
    assert set(services) == {"postgres", "migrate", *APP_SERVICES, "gateway", "workbench", "keycloak"}


def test_every_wushe_process_runs_the_one_image_built_by_the_dockerfile(services: dict[str, dict[str, Any]]) -> None:
    images = {services[name].get("image") for name in BUILT_SERVICES}
    builds = {json.dumps(services[name].get("build"), sort_keys=True) for name in BUILT_SERVICES}
    assert len(images) == 1 and None not in images, images
    assert len(builds) == 1, builds
    build = services["gateway"]["build"]
    assert (COMPOSE.parent / build["context"] / build.get("dockerfile", "Dockerfile")).resolve() == DOCKERFILE
    # Nothing else builds from the repository.
    assert all("build" not in services[name] for name in services if name not in BUILT_SERVICES)


def test_postgres_is_16_with_a_volume_and_pg_isready(
    compose: dict[str, Any], services: dict[str, dict[str, Any]]
) -> None:
    postgres = services["postgres"]
    assert postgres["image"].startswith("postgres:16")
    volume_names = [v.split(":")[0] for v in postgres["volumes"] if v.split(":")[1] == "/var/lib/postgresql/data"]
    assert volume_names and volume_names[0] in compose["volumes"], "a named volume keeps the data"
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    assert "ports" not in postgres, "PostgreSQL stays on the compose network"


def test_every_long_running_service_has_a_healthcheck(services: dict[str, dict[str, Any]]) -> None:
    for name, service in services.items():
        if name == "migrate":
            assert "healthcheck" not in service and service.get("restart") == "no"
            continue
        assert service.get("healthcheck", {}).get("test"), f"{name} has no health check"


@pytest.mark.parametrize("name", [*APP_SERVICES, "gateway"])
def test_healthchecks_ask_readyz_or_healthz_on_the_served_port_with_urllib(
    services: dict[str, dict[str, Any]], name: str
) -> None:
    service = services[name]
    code = healthcheck_code(service)
    ast.parse(code)  # it must at least be Python
    assert "urllib.request" in code and "curl" not in code
    url = re.search(r"https?://[^'\"]+", code)
    assert url, code
    path = "/healthz" if name == "gateway" else "/readyz"
    port = option(command_of(service), "--port")
    assert url.group(0) == f"http://127.0.0.1:{port}{path}"


def test_migrations_complete_before_any_service_starts(services: dict[str, dict[str, Any]]) -> None:
    assert depends_on(services["migrate"]) == {"postgres": "service_healthy"}
    for name in APP_SERVICES:
        assert depends_on(services[name]) == {
            "postgres": "service_healthy",
            "migrate": "service_completed_successfully",
        }, name
    assert depends_on(services["gateway"]) == dict.fromkeys(APP_SERVICES, "service_healthy")


def test_dependencies_exist_have_no_cycle_and_stay_out_of_profiles(services: dict[str, dict[str, Any]]) -> None:
    for name, service in services.items():
        for dep, condition in depends_on(service).items():
            assert dep in services, f"{name} depends on unknown {dep}"
            assert condition in ("service_healthy", "service_completed_successfully", "service_started")
            # A default service cannot depend on one that only starts with a profile.
            assert not services[dep].get("profiles") or services[dep].get("profiles") == service.get("profiles")
            if condition == "service_healthy":
                assert "healthcheck" in services[dep], f"{name} waits for {dep} to be healthy, which has no check"

    def visit(name: str, path: tuple[str, ...]) -> None:
        assert name not in path, f"dependency cycle: {' -> '.join((*path, name))}"
        for dep in depends_on(services[name]):
            visit(dep, (*path, name))

    for name in services:
        visit(name, ())


def test_only_the_gateway_is_published(services: dict[str, dict[str, Any]]) -> None:
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"gateway", "workbench", "keycloak"}
    assert services["gateway"]["ports"] == ["${GATEWAY_PORT:-8000}:8000"]
    assert services["workbench"]["ports"] == ["${WORKBENCH_PORT:-8004}:8004"]


# --- compose.yaml: the commands are the code's -----------------------------------------------


def test_every_wushe_command_exists_in_the_cli(services: dict[str, dict[str, Any]]) -> None:
    commands = typer.main.get_command(cli_app).commands  # type: ignore[attr-defined]
    named = [command_of(s) for s in services.values() if s.get("command") and command_of(s)[0] == "wushe"]
    assert ["wushe", "migrate"] in named
    for command in named:
        assert command[1] in commands, f"`wushe {command[1]}` is not a command of wushe_cli.main"
        cli_command = commands[command[1]]
        known = {opt for param in cli_command.params for opt in param.opts}
        for word in command[2:]:
            if word.startswith("--"):
                assert word.split("=")[0] in known, f"wushe {command[1]} has no option {word}"


@pytest.mark.parametrize("name", [*APP_SERVICES, "gateway"])
def test_uvicorn_targets_are_importable_factories(services: dict[str, dict[str, Any]], name: str) -> None:
    command = command_of(services[name])
    assert command[0] == "uvicorn", command
    target = command[1]
    assert target == APPS[name], f"{name} runs {target}, `wushe up` runs {APPS[name]}"
    assert "--factory" in command
    assert option(command, "--host") == "0.0.0.0"
    assert int(option(command, "--port")) == Ports().of(name), "same ports as `wushe up`"
    module_name, _, attribute = target.partition(":")
    factory = getattr(import_module(module_name), attribute)
    assert callable(factory)
    inspect.signature(factory).bind()  # uvicorn --factory calls it without arguments


@pytest.mark.parametrize("name", APP_SERVICES)
def test_the_gateway_finds_each_service_by_its_compose_name(services: dict[str, dict[str, Any]], name: str) -> None:
    environment = services["gateway"]["environment"]
    port = option(command_of(services[name]), "--port")
    assert environment[f"WUSHE_{name.upper()}_URL"] == f"http://{name}:{port}"
    assert port in [str(p) for p in services[name].get("expose", [])]


# --- compose.yaml: environment ---------------------------------------------------------------


def test_every_variable_set_for_wushe_is_a_real_setting(services: dict[str, dict[str, Any]]) -> None:
    known = settings_env_names()
    for name in WUSHE_IMAGE_SERVICES:
        for variable in services[name]["environment"]:
            assert variable in known, f"{name} sets {variable}, which services.common.settings.Settings never reads"


def test_every_wushe_variable_substituted_in_compose_is_a_real_setting() -> None:
    known = {**settings_env_names(), **workbench_env_names()}
    for variable in interpolation_variables(COMPOSE.read_text(encoding="utf-8")):
        if variable.startswith("WUSHE_"):
            assert variable in known, f"compose.yaml substitutes ${{{variable}}}, which is no setting"


def test_secrets_are_required_and_never_written_in_the_file(services: dict[str, dict[str, Any]]) -> None:
    variables = interpolation_variables(COMPOSE.read_text(encoding="utf-8"))
    for secret in ("POSTGRES_PASSWORD", "WUSHE_PII_KEY", "WUSHE_TICKET_KEY"):
        assert variables[secret][0] == ":?", f"{secret} must be a required variable"
    for name in WUSHE_IMAGE_SERVICES:
        environment = services[name]["environment"]
        assert environment["WUSHE_PII_KEY"] == "${WUSHE_PII_KEY" + ":?" + variables["WUSHE_PII_KEY"][1] + "}"
        assert "WUSHE_JWT_SECRET" not in environment, "production verifies tokens with the provider's keys"


@pytest.mark.parametrize("name", WUSHE_IMAGE_SERVICES)
def test_compose_environment_gives_a_valid_production_configuration(
    services: dict[str, dict[str, Any]], name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    operator_env = {
        "POSTGRES_PASSWORD": "s3cret",
        "WUSHE_PII_KEY": "a-real-key-from-the-operator",
        "WUSHE_TICKET_KEY": "another-real-key",
    }
    environment = {k: interpolate(str(v), operator_env) for k, v in services[name]["environment"].items()}
    for variable in list(settings_env_names()):
        monkeypatch.delenv(variable, raising=False)
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    settings.require_production_secrets()  # what create_app does first
    assert settings.environment == "production"
    assert settings.pii_key != DEV_PII_KEY and settings.jwt_secret == DEV_JWT_SECRET and settings.jwks_url
    if name == "gateway":
        assert not settings.database_url, "the gateway has no business with the database"
    else:
        assert settings.database_url == "postgresql://wushe:s3cret@postgres:5432/wushe"


def test_required_variables_stop_compose_when_missing(services: dict[str, dict[str, Any]]) -> None:
    with pytest.raises(LookupError, match="WUSHE_PII_KEY"):
        interpolate(services["case"]["environment"]["WUSHE_PII_KEY"], {})


# --- compose.yaml: the OIDC profile ----------------------------------------------------------


def test_keycloak_is_optional_behind_the_oidc_profile(services: dict[str, dict[str, Any]]) -> None:
    keycloak = services["keycloak"]
    assert keycloak["profiles"] == ["oidc"]
    assert keycloak["image"].startswith("quay.io/keycloak/keycloak:")
    assert command_of(keycloak)[:2] == ["start-dev", "--import-realm"]
    mounts = {v.split(":")[1]: v.split(":")[0] for v in keycloak["volumes"]}
    assert (COMPOSE.parent / mounts["/opt/keycloak/data/import"]).resolve() == REALM.parent
    assert [n for n, s in services.items() if s.get("profiles")] == ["keycloak"]
    # Compose substitutes variables in profiled services too: a required one would break `up`.
    for value in keycloak["environment"].values():
        assert ":?" not in str(value)


def test_default_issuer_jwks_and_audience_match_the_bundled_realm(
    services: dict[str, dict[str, Any]], realm: dict[str, Any]
) -> None:
    environment = services["case"]["environment"]
    public_url = default_of(services["keycloak"]["environment"]["KC_HOSTNAME"])
    assert default_of(environment["WUSHE_JWT_ISSUER"]) == f"{public_url}/realms/{realm['realm']}"
    assert default_of(environment["WUSHE_JWKS_URL"]) == (
        f"http://keycloak:8080/realms/{realm['realm']}/protocol/openid-connect/certs"
    )
    audiences = {
        m["config"]["included.custom.audience"]
        for m in all_mappers(realm)
        if m["protocolMapper"] == "oidc-audience-mapper"
    }
    assert audiences == {default_of(environment["WUSHE_JWT_AUDIENCE"])}


# --- the Keycloak realm ----------------------------------------------------------------------


def all_mappers(realm: dict[str, Any]) -> list[dict[str, Any]]:
    mappers = [m for scope in realm["clientScopes"] for m in scope.get("protocolMappers", [])]
    return mappers + [m for client in realm["clients"] for m in client.get("protocolMappers", [])]


def scopes_by_name(realm: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {scope["name"]: scope for scope in realm["clientScopes"]}


def client(realm: dict[str, Any], client_id: str) -> dict[str, Any]:
    return next(c for c in realm["clients"] if c["clientId"] == client_id)


def token_mappers(realm: dict[str, Any], c: dict[str, Any]) -> list[dict[str, Any]]:
    """Mappers that shape this client's access tokens: its own and those of its default scopes."""
    scopes = scopes_by_name(realm)
    mappers = list(c.get("protocolMappers", []))
    for name in c["defaultClientScopes"]:
        mappers += scopes[name].get("protocolMappers", [])
    return [m for m in mappers if m["config"].get("access.token.claim") == "true"]


def test_only_realm_files_sit_in_the_import_folder() -> None:
    for path in REALM.parent.glob("*.json"):
        assert "realm" in json.loads(path.read_text(encoding="utf-8")), f"Keycloak would try to import {path.name}"


def test_realm_defines_exactly_the_seven_roles(realm: dict[str, Any]) -> None:
    names = [role["name"] for role in realm["roles"]["realm"]]
    assert sorted(names) == sorted(role.value for role in Role)
    assert len(names) == 7


def test_user_attributes_become_claims_with_the_names_the_services_read(realm: dict[str, Any]) -> None:
    web = client(realm, "wushe-web")
    mappers = {
        m["config"]["claim.name"]: m
        for m in token_mappers(realm, web)
        if m["protocolMapper"] == "oidc-usermodel-attribute-mapper"
    }
    for claim in CLAIMS:
        assert claim in mappers, f"no mapper puts `{claim}` into the access token"
        assert mappers[claim]["config"]["user.attribute"] == claim
        assert mappers[claim]["config"]["jsonType.label"] == "String"
        assert mappers[claim]["config"].get("multivalued") != "true", "the services expect one value, not a list"


def test_every_token_has_sub_and_the_wushe_audience(realm: dict[str, Any]) -> None:
    for c in realm["clients"]:
        kinds = {m["protocolMapper"] for m in token_mappers(realm, c)}
        assert "oidc-sub-mapper" in kinds, f"{c['clientId']}: tokens without `sub` are refused"
        assert "oidc-audience-mapper" in kinds, f"{c['clientId']}: tokens without aud=wushe are refused"


def test_only_administrators_may_set_the_claim_attributes(realm: dict[str, Any]) -> None:
    providers = realm["components"]["org.keycloak.userprofile.UserProfileProvider"]
    profile = json.loads(providers[0]["config"]["kc.user.profile.config"][0])
    attributes = {a["name"]: a for a in profile["attributes"]}
    for claim in CLAIMS:
        assert attributes[claim]["permissions"]["edit"] == ["admin"], f"users could change their own {claim}"
    assert sorted(attributes["role"]["validations"]["options"]["options"]) == sorted(r.value for r in Role)
    for name in ("username", "email"):
        assert name in attributes, "Keycloak's user profile needs username and email"


def test_the_third_party_app_is_a_confidential_client_with_wish_scopes(realm: dict[str, Any]) -> None:
    app = client(realm, "wushe-demo-app")
    assert app["publicClient"] is False and app["clientAuthenticatorType"] == "client-secret"
    assert app["serviceAccountsEnabled"] is True
    assert app["standardFlowEnabled"] is False and app["directAccessGrantsEnabled"] is False
    granted = set(app["defaultClientScopes"]) | set(app.get("optionalClientScopes", []))
    assert {"wishes:read", "wishes:claim"} <= granted
    roles = [
        m["config"]["claim.value"]
        for m in token_mappers(realm, app)
        if m["protocolMapper"] == "oidc-hardcoded-claim-mapper" and m["config"]["claim.name"] == "role"
    ]
    assert roles == [Role.APP_CLIENT.value]
    # Its tokens carry no user-attribute claims that could lift it out of the app_client role.
    assert not [m for m in token_mappers(realm, app) if m["protocolMapper"] == "oidc-usermodel-attribute-mapper"]
    for scope in ("wishes:read", "wishes:claim"):
        assert scopes_by_name(realm)[scope]["attributes"]["include.in.token.scope"] == "true"


def test_client_scope_references_resolve(realm: dict[str, Any]) -> None:
    defined = set(scopes_by_name(realm))
    referenced = set(realm.get("defaultDefaultClientScopes", [])) | set(realm.get("defaultOptionalClientScopes", []))
    for c in realm["clients"]:
        referenced |= set(c.get("defaultClientScopes", [])) | set(c.get("optionalClientScopes", []))
    assert referenced <= defined, referenced - defined


def test_every_scope_the_code_checks_can_be_granted(realm: dict[str, Any]) -> None:
    pattern = re.compile(r"[\"']([a-z]+:(?:read|write|claim))[\"']")
    checked = {
        match
        for folder in ("services", "gateway")
        for path in (ROOT / folder).rglob("*.py")
        for match in pattern.findall(path.read_text(encoding="utf-8"))
    }
    assert "wishes:read" in checked
    missing = checked - set(scopes_by_name(realm))
    assert not missing, f"the code checks scopes the realm cannot grant: {sorted(missing)}"


# --- Dockerfile and .dockerignore ------------------------------------------------------------


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = DOCKERFILE.read_text(encoding="utf-8").replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "") for line in lines]


def test_dockerfile_builds_a_slim_non_root_image_without_dev_extras() -> None:
    instructions = dockerfile_instructions()
    assert all(arg.split()[0] == "python:3.11-slim" for op, arg in instructions if op == "FROM")
    runs = " ".join(arg for op, arg in instructions if op == "RUN")
    assert re.search(r"pip install \.(\s|$)", runs), "install the project itself, not editable, no extras"
    assert "[test]" not in runs and " -e " not in runs
    users = [arg for op, arg in instructions if op == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    exposed = {port for op, arg in instructions if op == "EXPOSE" for port in arg.split()}
    assert exposed == {str(Ports().of(name)) for name in APPS}


def test_dockerfile_default_command_is_the_gateway() -> None:
    cmd = json.loads(next(arg for op, arg in reversed(dockerfile_instructions()) if op == "CMD"))
    assert cmd[:2] == ["uvicorn", APPS["gateway"]] and "--factory" in cmd
    assert option(cmd, "--host") == "0.0.0.0" and option(cmd, "--port") == str(Ports().gateway)


def test_dockerfile_copies_paths_that_exist() -> None:
    for op, arg in dockerfile_instructions():
        if op == "COPY" and not arg.startswith("--from"):
            for source in arg.split()[:-1]:
                assert (ROOT / source).exists(), f"COPY {source}: no such path"


def dockerignore_patterns() -> list[str]:
    lines = [line.strip() for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def ignored(path: str) -> bool:
    result = False
    for pattern in dockerignore_patterns():
        negate = pattern.startswith("!")
        pattern = pattern.lstrip("!").strip("/")
        candidates = [pattern, pattern.removeprefix("**/")]
        parts = path.split("/")
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        if any(fnmatch.fnmatch(prefix, c) for prefix in prefixes for c in candidates):
            result = not negate
    return result


def test_dockerignore_keeps_what_the_build_needs_and_drops_local_state() -> None:
    for needed in (
        "pyproject.toml",
        "README.md",
        "services/common/settings.py",
        "gateway/schema.graphql",
        "wushe_cli/main.py",
        "migrations/case/env.py",
    ):
        assert not ignored(needed), f".dockerignore drops {needed}, which the build needs"
    for local in (".git", ".venv", ".env", ".pytest_cache", ".hypothesis", "services/__pycache__/x.pyc", "tests"):
        assert ignored(local), f".dockerignore lets {local} into the build context"


def test_the_workbench_runs_in_production_against_the_gateway_with_oidc(
    services: dict[str, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    workbench = services["workbench"]
    command = command_of(workbench)
    assert command[1] == FACTORIES["workbench"] and int(option(command, "--port")) == Ports().of("workbench")
    variables = interpolation_variables(COMPOSE.read_text(encoding="utf-8"))
    assert variables["WUSHE_WORKBENCH_SESSION_SECRET"][0] == ":?", "the session secret must be required"
    environment = {
        k: interpolate(str(v), {"WUSHE_WORKBENCH_SESSION_SECRET": "s3cret"})
        for k, v in workbench["environment"].items()
    }
    assert set(environment) <= set(workbench_env_names()), "every variable is a workbench setting"
    for variable in workbench_env_names():
        monkeypatch.delenv(variable, raising=False)
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    settings = WorkbenchSettings(_env_file=None)  # type: ignore[call-arg]
    settings.require_production_secrets()
    assert settings.production and settings.workbench_session_secret != DEV_SESSION_SECRET
    assert settings.gateway_url == "http://gateway:8000"
    assert workbench["depends_on"] == {"gateway": {"condition": "service_healthy"}}


def test_the_workbench_signs_in_with_the_realms_public_pkce_client(
    services: dict[str, dict[str, Any]], realm: dict[str, Any]
) -> None:
    client_id = interpolate(str(services["workbench"]["environment"]["WUSHE_WORKBENCH_OIDC_CLIENT_ID"]), {})
    client = next(c for c in realm["clients"] if c["clientId"] == client_id)
    assert client["publicClient"] and client["standardFlowEnabled"] and not client["implicitFlowEnabled"]
    assert client["attributes"]["pkce.code.challenge.method"] == "S256"
    assert "http://localhost:8004/*" in client["redirectUris"]
