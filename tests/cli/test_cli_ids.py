"""The CLI takes a record id as a global id or a raw UUID, says which it got, and refuses the wrong type."""

import uuid

import jwt
from typer.testing import CliRunner

from gateway.ids import to_global_id
from wushe_cli.main import app

runner = CliRunner()


def _claims(output: str) -> dict[str, object]:
    token = output.strip().splitlines()[-1]
    claims: dict[str, object] = jwt.decode(token, options={"verify_signature": False})
    return claims


def test_a_platform_given_as_global_id_or_uuid_mints_the_same_claim() -> None:
    platform = uuid.uuid4()
    by_gid = runner.invoke(app, ["token", "--role", "station_staff", "--platform", to_global_id("Platform", platform)])
    by_uuid = runner.invoke(app, ["token", "--role", "station_staff", "--platform", str(platform)])
    assert by_gid.exit_code == 0 and by_uuid.exit_code == 0, (by_gid.output, by_uuid.output)
    assert "global id of Platform" in by_gid.stderr and "raw UUID" in by_uuid.stderr
    assert _claims(by_gid.stdout)["platform_id"] == _claims(by_uuid.stdout)["platform_id"] == str(platform)


def test_an_id_of_another_type_or_garbage_is_refused() -> None:
    wrong = runner.invoke(app, ["token", "--role", "station_staff", "--platform", to_global_id("Need", uuid.uuid4())])
    assert wrong.exit_code == 2 and "a Need id, not a Platform id" in wrong.stderr
    garbage = runner.invoke(app, ["token", "--role", "org_staff", "--org", "not-an-id"])
    assert garbage.exit_code == 2 and "not a Organization id" in garbage.stderr
