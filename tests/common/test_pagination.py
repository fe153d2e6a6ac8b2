"""A cursor is opaque: one that we did not write is a 400, never a crash in the database driver."""

import base64
import json
import uuid
from datetime import UTC, datetime

import pytest

from services.common.errors import BadInput
from services.common.pagination import decode_cursor, encode_cursor


def forged(created_at: object) -> str:
    return base64.urlsafe_b64encode(json.dumps([created_at, str(uuid.uuid4())]).encode()).decode().rstrip("=")


class TestCursor:
    def test_round_trip(self) -> None:
        at, row_id = datetime(2026, 11, 1, 8, 30, tzinfo=UTC), uuid.uuid4()
        assert decode_cursor(encode_cursor(at, row_id)) == (at, row_id)

    @pytest.mark.parametrize(
        "created_at",
        ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "2026-11-01T08:30:00", "yesterday", 42, None],
    )
    def test_a_forged_cursor_is_bad_input(self, created_at: object) -> None:
        with pytest.raises(BadInput):
            decode_cursor(forged(created_at))
