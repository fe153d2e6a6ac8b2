"""Turning posted forms into GraphQL inputs: snake_case field names (as InvalidInput reports them) to camelCase."""

from datetime import datetime
from typing import Any

from starlette.datastructures import FormData

from workbench.rendering import BEIJING


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def text_values(form: FormData) -> dict[str, str]:
    """The form's single text values (the CSRF token left out), stripped."""
    return {key: value.strip() for key, value in form.items() if isinstance(value, str) and key != "csrf_token"}


def beijing_input(value: str) -> str | None:
    """A <input type="datetime-local"> or date value, read as Beijing time, as an ISO instant."""
    if not value:
        return None
    try:  # the browser's date pickers send ISO; anything else counts as not given
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=BEIJING)
    return moment.isoformat()


def int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def without_empty(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value not in (None, "")}
