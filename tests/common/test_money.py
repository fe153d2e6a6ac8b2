"""Money in the kit: exact decimals with two places, never a JSON float, at most 1亿 an entry."""

from decimal import Decimal
from typing import Any

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from services.common.money import PositiveYuan, SignedYuan, Yuan, YuanOut


def valid(field_type: Any, value: Any) -> Any:
    return TypeAdapter(field_type).validate_python(value)


class TestMoney:
    @pytest.mark.parametrize("field_type", [Yuan, PositiveYuan, SignedYuan])
    def test_a_float_is_refused_in_both_languages(self, field_type: Any) -> None:
        with pytest.raises(ValidationError) as refused:
            TypeAdapter(field_type).validate_json("0.30")
        assert refused.value.errors()[0]["msg"].endswith("/ 金额须为字符串")

    def test_strings_are_exact(self) -> None:
        assert valid(PositiveYuan, "0.10") + valid(PositiveYuan, "0.20") == Decimal("0.30")

    @pytest.mark.parametrize(
        ("field_type", "value"),
        [
            (Yuan, "-0.01"),
            (PositiveYuan, "0"),
            (PositiveYuan, "1.005"),
            (PositiveYuan, "100000000.01"),
            (SignedYuan, "-100000000.01"),
            (Yuan, "NaN"),
            (PositiveYuan, "Infinity"),
        ],
    )
    def test_out_of_bounds_is_refused(self, field_type: Any, value: str) -> None:
        with pytest.raises(ValidationError):
            valid(field_type, value)

    def test_zero_is_a_yuan_but_not_a_positive_one(self) -> None:
        assert valid(Yuan, "0") == Decimal("0")

    def test_out_is_a_string_with_two_places(self) -> None:
        class Out(BaseModel):
            amount: YuanOut

        assert Out(amount=Decimal("12.5")).model_dump_json() == '{"amount":"12.50"}'
