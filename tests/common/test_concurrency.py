"""If-Match names a version in ASCII digits; anything else is a stale version, never a crash."""

import pytest

from services.common.concurrency import expected_version
from services.common.errors import StaleVersion


class TestExpectedVersion:
    @pytest.mark.parametrize(("header", "version"), [('"3"', 3), ('W/"12"', 12), ("7", 7)])
    def test_versions(self, header: str, version: int) -> None:
        assert expected_version(header) == version

    @pytest.mark.parametrize("header", ['"²"', '"١٢"', '"3a"', '""'])
    def test_anything_else_is_stale(self, header: str) -> None:
        with pytest.raises(StaleVersion):
            expected_version(header)
