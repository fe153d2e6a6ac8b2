"""Record ids on the command line: a global id (as GraphQL gives them) or a raw UUID (as REST
and exports give them), either accepted, and the command says which it got (on stderr)."""

import base64
import binascii
import uuid
from collections.abc import Callable

import typer


def record_id(value: str, type_name: str) -> tuple[uuid.UUID, str]:
    """(the UUID, how it was given) for a raw UUID or a global id of `type_name`; BadParameter else."""
    try:
        return uuid.UUID(value), "raw UUID"
    except ValueError:
        pass
    try:
        decoded = base64.b64decode(value, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        decoded = ""
    given_type, _, local = decoded.partition(":")
    try:
        parsed = uuid.UUID(local)
    except ValueError:
        raise typer.BadParameter(f"not a {type_name} id: give a global id or a UUID / 不是有效的编号") from None
    if given_type != type_name:
        raise typer.BadParameter(f"a {given_type} id, not a {type_name} id / 编号类型不符（需要 {type_name}）")
    return parsed, f"global id of {type_name}"


def id_of(type_name: str, option: str) -> Callable[[str | None], str | None]:
    """A typer callback: the option's value as a UUID string, saying on stderr which form it got."""

    def convert(value: str | None) -> str | None:
        if value is None:
            return None
        parsed, form = record_id(value, type_name)
        typer.echo(f"{option}: {form} → {parsed}", err=True)
        return str(parsed)

    return convert
