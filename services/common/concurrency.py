"""Optimistic concurrency over HTTP: ETag carries the row's version, If-Match must match it."""

from typing import Annotated

from fastapi import Header, Response

from services.common.errors import PreconditionRequired, StaleVersion

IfMatch = Annotated[
    str | None,
    Header(alias="If-Match", max_length=100, description='The ETag you read, e.g. `"3"`.'),
]


def etag(version: int) -> str:
    return f'"{version}"'


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag(version)


def expected_version(if_match: str | None) -> int:
    """The version an update is based on; a missing or malformed If-Match is refused."""
    if if_match is None:
        raise PreconditionRequired("Send If-Match with the ETag you read.", "请在 If-Match 中提供读取时的 ETag。")
    raw = if_match.strip().removeprefix("W/").strip('"')
    if not (raw.isascii() and raw.isdigit()):  # int() would take "²" or "١" and fail or mislead
        raise StaleVersion("If-Match does not name a version of this record.", "If-Match 与记录版本不符。")
    return int(raw)


def check_version(if_match: str | None, current: int) -> None:
    if expected_version(if_match) != current:
        raise StaleVersion(
            f"The record changed (now version {current}); read it again.",
            f"记录已被修改（当前版本 {current}），请重新读取。",
            current_version=current,
        )
