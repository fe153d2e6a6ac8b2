"""Relay global IDs: base64("Type:uuid"), opaque to clients, decoded back to (type, uuid)."""

import base64
import binascii
import uuid

from gateway.errors import bad_input


def to_global_id(type_name: str, local_id: str | uuid.UUID) -> str:
    return base64.b64encode(f"{type_name}:{local_id}".encode()).decode()


def from_global_id(global_id: str) -> tuple[str, uuid.UUID]:
    try:
        type_name, _, local = base64.b64decode(global_id, validate=True).decode().partition(":")
        return type_name, uuid.UUID(local)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise bad_input(f"Malformed global id: {global_id[:60]}", "全局编号格式错误。") from None


def local_id(global_id: str, expected_type: str) -> uuid.UUID:
    type_name, value = from_global_id(global_id)
    if type_name != expected_type:
        raise bad_input(f"Expected a {expected_type} id, got a {type_name} id.", f"需要 {expected_type} 的编号。")
    return value
