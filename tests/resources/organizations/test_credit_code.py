"""GB 32100 unified social credit codes."""

import pytest

from services.resources.organizations.credit_code import is_valid_credit_code


class TestCreditCode:
    @pytest.mark.parametrize("code", ["91350100M000100Y43", "91440300708461136T", "91110000100010433L"])
    def test_accepts_real_codes(self, code: str) -> None:
        assert is_valid_credit_code(code)

    @pytest.mark.parametrize(
        "code",
        [
            "91350100M000100Y44",  # wrong check character
            "91350100M000100Y4",  # 17 characters
            "91350100M0001O0Y43",  # O is not in the alphabet
            "91A50100M000100Y43",  # region part must be digits
            "",
        ],
    )
    def test_refuses_malformed_codes(self, code: str) -> None:
        assert not is_valid_credit_code(code)
