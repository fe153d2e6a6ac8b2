"""Region codes are ASCII digits in full: no other script's digits, no trailing newline."""

from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from services.common.regions import KnownRegionCode, RegionCode, RegionPrefix, is_region_code, is_region_prefix

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


class TestShape:
    @pytest.mark.parametrize("code", ["150781", "150781001", "150781001001"])
    def test_codes(self, code: str) -> None:
        assert is_region_code(code)
        assert not is_region_code(code.translate(ARABIC_INDIC))
        assert not is_region_code(code + "\n")

    @pytest.mark.parametrize("prefix", ["15", "1507", "150781"])
    def test_prefixes(self, prefix: str) -> None:
        assert is_region_prefix(prefix)
        assert not is_region_prefix(prefix.translate(ARABIC_INDIC))
        assert not is_region_prefix(prefix + "\n")

    @pytest.mark.parametrize(
        ("field_type", "value"),
        [(RegionCode, "١٥٠٧٨١"), (RegionPrefix, "١٥"), (KnownRegionCode, "١٥٠٧٨١"), (RegionCode, "150781\n")],
    )
    def test_field_types_refuse_them_in_both_languages(self, field_type: Any, value: str) -> None:
        with pytest.raises(ValidationError) as refused:
            TypeAdapter(field_type).validate_python(value)
        assert "行政区划" in refused.value.errors()[0]["msg"].partition(" / ")[2]

    def test_json_schema_states_the_shape(self) -> None:
        assert TypeAdapter(RegionCode).json_schema()["pattern"] == "^[0-9]{6}([0-9]{3}([0-9]{3})?)?$"
        assert TypeAdapter(KnownRegionCode).json_schema()["pattern"] == "^[0-9]{6}([0-9]{3}([0-9]{3})?)?$"
        assert TypeAdapter(RegionPrefix).json_schema()["pattern"].startswith("^[0-9]{2}")
